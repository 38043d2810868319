using System.CommandLine;
using System.Collections.Immutable;
using System.Globalization;
using AdaptiveLR.Cli.Options;

namespace AdaptiveLR.Cli.Compare;

/// <summary>
/// <c>compare</c>'s flags for a fair comparison: several seeds (<c>--seeds</c>) and a learning rate
/// tuned per optimizer on a validation split (<c>--tune-lr</c>, <c>--tune-epochs</c>).
/// </summary>
public sealed class FairComparisonOptions
{
    public const string FixedGridName = "fixed";

    /// <summary>The fixed 5-point grid: one point per decade from 1e-4 to 1, which brackets every algorithm's usual range.</summary>
    public static ImmutableArray<double> FixedGrid { get; } = [1e-4, 1e-3, 1e-2, 1e-1, 1];

    private readonly Option<string> seeds = new("--seeds") { Description = "Train each optimizer once per seed, e.g. 1,2,3 (each seed: the same initial weights for every optimizer); mean ± std over them (default: --seed alone)" };

    private readonly Option<string> tuneLr = new("--tune-lr")
    {
        Description = $"Tune each optimizer's lr first, on a validation split of the training set (never the test set): alone, a 5-point grid around its lr-find suggestion; '{FixedGridName}' for 1e-4,1e-3,1e-2,1e-1,1; or a list such as 1e-3,3e-3,1e-2",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<int> tuneEpochs = NumberParsing.PositiveInteger("--tune-epochs", "Epochs each grid point trains (default 1)", 1);

    public void AddTo(Command command)
    {
        command.Options.Add(seeds);
        command.Options.Add(tuneLr);
        command.Options.Add(tuneEpochs);
    }

    /// <summary>The seeds to run (<paramref name="defaultSeed"/> alone when <c>--seeds</c> is absent) and the tuning asked for (null: none).</summary>
    public (ImmutableArray<int> Seeds, LrTuningRequest? Tuning) Read(ParseResult parsed, int defaultSeed)
    {
        var seedList = parsed.GetValue(seeds) is { } text ? ParseSeeds(text) : [defaultSeed];
        if (parsed.GetResult(tuneLr) is not { } given) return (seedList, null);
        string? grid = given.Tokens.Count > 0 ? given.Tokens[0].Value : null;
        var request = new LrTuningRequest(grid switch
        {
            null => null,
            FixedGridName => FixedGrid,
            _ => ParseGrid(grid),
        }, parsed.GetValue(tuneEpochs));
        return (seedList, request);
    }

    public static ImmutableArray<int> ParseSeeds(string text)
    {
        var values = new List<int>();
        foreach (string part in text.Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int seed))
                throw new UsageException($"--seeds: '{part.Trim()}' is not allowed; allowed: comma-separated integers >= 0 such as 1,2,3");
            if (values.Contains(seed)) throw new UsageException($"--seeds: seed {seed} is given twice; allowed: distinct integers >= 0 such as 1,2,3");
            values.Add(seed);
        }
        return [.. values];
    }

    private static ImmutableArray<double> ParseGrid(string text)
    {
        double[] values = NumberParsing.ParseList(text, "--tune-lr", "the learning-rate grid");
        if (values.FirstOrDefault(v => v <= 0) is var bad && values.Any(v => v <= 0))
            throw new UsageException($"--tune-lr: {bad.ToString(CultureInfo.InvariantCulture)} is not allowed; allowed: '{FixedGridName}' or learning rates > 0 such as 1e-3,3e-3,1e-2");
        return [.. values.Distinct().Order()];
    }
}

/// <summary>A tuning request: the grid (null: around each optimizer's lr-find suggestion) and the epochs per grid point.</summary>
public sealed record LrTuningRequest(ImmutableArray<double>? Grid, int Epochs);

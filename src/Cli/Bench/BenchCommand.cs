using System.CommandLine;
using System.Globalization;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure;
using AdaptiveLR.Torch.Benchmarking;

namespace AdaptiveLR.Cli.Bench;

/// <summary>
/// <c>adaptivelr bench</c>: ms per <c>step()</c> of our adapter against TorchSharp's built-in
/// optimizers, and the memory-traffic floor, measured side by side in this process.
/// </summary>
public static class BenchCommand
{
    /// <summary>The most timed steps per case (each case keeps one time per step).</summary>
    public const int MaxRepeats = 10_000;

    public static Command Create(TextWriter output)
    {
        var optimizers = new Option<string>("--optimizers")
        {
            Description = $"Comma-separated algorithms (default: all): {string.Join(", ", OptimizerRegistry.Names)}",
        };
        var sizes = new Option<string>("--sizes") { Description = "Comma-separated parameter counts, with K or M suffixes, up to 500M", DefaultValueFactory = _ => "1M,10M" };
        var layout = new Option<string>("--layout") { Description = "single (one tensor), model (about 50 tensors of mixed sizes) or both", DefaultValueFactory = _ => "both" };
        var repeats = NumberParsing.BoundedInteger("--repeats", $"Timing rounds per case, up to {MaxRepeats.ToString("N0", CultureInfo.InvariantCulture)}, each a block of steps of ours, TorchSharp's and the copy floor, in every order in turn; medians are reported", 18, MaxRepeats);
        var format = OutputFormat.Option(OutputFormat.Table, OutputFormat.Json);
        var oneCore = new Option<bool>("--one-core") { Description = "Keep every step on one core (by default steps of 4M elements or more are shared between the cores)" };
        // 0 (the default) leaves LibTorch's own thread count, one per core.
        var torchThreads = NumberParsing.PositiveInteger("--torch-threads", "LibTorch's threads for TorchSharp's built-in optimizers (default: LibTorch's own, one per core)", 0);
        var clock = new Option<string>("--clock")
        {
            Description = "What the timings count: wall (wall-clock time) or cpu (the process's CPU time: steadier on a machine with more busy threads than cores; use with --one-core --torch-threads 1)",
            DefaultValueFactory = _ => BenchmarkClock.Wall,
        };
        var statePrecision = new Option<string>("--state-precision")
        {
            Description = $"How ours keeps its state: {string.Join(", ", StatePrecisionNames.Names)} (bf16 and int8 rows also time our step on float32 state; element-wise algorithms only)",
            DefaultValueFactory = _ => StatePrecisionNames.Float32,
        };
        var inProcess = new Option<bool>("--in-process") { Description = "Run every case in this process (by default each case runs in a fresh process of its own)" };

        var command = new Command("bench", "Measure ms per optimizer step, ours against TorchSharp's built-in, and the memory-traffic floor.");
        foreach (var option in new Option[] { optimizers, sizes, layout, repeats, format, oneCore, torchThreads, clock, statePrecision, inProcess }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var definitions = ParseOptimizers(parsed.GetValue(optimizers));
            long[] counts = ParseSizes(parsed.GetValue(sizes)!);
            string[] layouts = ParseLayout(parsed.GetValue(layout)!);
            int timedSteps = parsed.GetValue(repeats)!.Value;
            if (layouts.Contains(BenchmarkLayout.Model) && counts.Min() < BenchmarkLayout.MinimumModelParameters)
                throw new UsageException($"--sizes: {counts.Min()} is too small for --layout model; allowed: at least {BenchmarkLayout.MinimumModelParameters} parameters, or --layout single");
            bool json = parsed.GetValue(format) == OutputFormat.Json;
            string timing = parsed.GetValue(clock)!;
            if (!BenchmarkClock.All.Contains(timing)) throw new UsageException($"--clock: unknown clock '{timing}'; allowed: {string.Join(", ", BenchmarkClock.All)}");
            string precisionName = parsed.GetValue(statePrecision)!;
            if (!StatePrecisionNames.Names.Contains(precisionName))
                throw new UsageException($"--state-precision: unknown precision '{precisionName}'{Messages.NearestNames.Hint(precisionName, StatePrecisionNames.Names)}; allowed: {string.Join(", ", StatePrecisionNames.Names)}");
            var precision = StatePrecisionNames.Parse(precisionName);
            if (precision != Pure.Core.StatePrecision.Float32 && definitions.FirstOrDefault(d => d.Defaults is Pure.Core.TensorHyperparameters or Pure.Core.StagedHyperparameters) is { } floatOnly)
                throw new UsageException($"--state-precision: {floatOnly.Name} keeps float32 state only; allowed with {precisionName}: {string.Join(", ", OptimizerRegistry.All.Where(d => d.Defaults is not (Pure.Core.TensorHyperparameters or Pure.Core.StagedHyperparameters)).Select(d => d.Name))}");

            var results = new List<BenchmarkResult>();
            foreach (long count in counts)
                foreach (string shape in layouts)
                    foreach (var definition in definitions)
                    {
                        var result = parsed.GetValue(inProcess)
                            ? StepBenchmark.Run(StepBenchmark.Configuration(definition.Defaults), count, shape, repeats: timedSteps, oneCore: parsed.GetValue(oneCore), torchThreads: parsed.GetValue(torchThreads), clock: timing, precision: precision)
                            : FreshProcessCase.Run(definition.Name, count, shape, timedSteps, parsed.GetValue(oneCore), parsed.GetValue(torchThreads), timing, precisionName);
                        results.Add(result);
                        if (json) output.WriteLine(BenchmarkJson.Write(result));
                    }
            if (!json) output.Write(BenchmarkReport.Markdown(results, $"{Environment.ProcessorCount} cores, {timing} clock."));
            return CliApp.Success;
        });
        return command;
    }

    private static List<Pure.Core.OptimizerDefinition> ParseOptimizers(string? text)
    {
        if (text is null) return [.. OptimizerRegistry.All];
        return [.. text.Split(',').Select(name => OptimizerRegistry.Find(name.Trim())
            ?? throw new UsageException($"--optimizers: unknown optimizer '{name.Trim()}'{Messages.NearestNames.Hint(name.Trim(), OptimizerRegistry.Names)}; allowed: {string.Join(", ", OptimizerRegistry.Names)}"))];
    }

    private static long[] ParseSizes(string text) =>
        [.. text.Split(',').Select(item =>
        {
            string trimmed = item.Trim().ToUpperInvariant();
            long multiplier = trimmed.EndsWith('M') ? 1_000_000 : trimmed.EndsWith('K') ? 1_000 : 1;
            string digits = multiplier == 1 ? trimmed : trimmed[..^1];
            if (!long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value < 1 || value * multiplier > 500_000_000)
                throw new UsageException($"--sizes: '{item.Trim()}' is not allowed; allowed: parameter counts from 1 to 500M such as 1M, 250K or 4096");
            return value * multiplier;
        })];

    private static string[] ParseLayout(string text) => text switch
    {
        BenchmarkLayout.Single or BenchmarkLayout.Model => [text],
        "both" => [.. BenchmarkLayout.All],
        _ => throw new UsageException($"--layout: unknown layout '{text}'{Messages.NearestNames.Hint(text, ["single", "model", "both"])}; allowed: single, model, both"),
    };
}

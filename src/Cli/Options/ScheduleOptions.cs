using System.CommandLine;
using AdaptiveLR.Pure.Schedules;

namespace AdaptiveLR.Cli.Options;

/// <summary>
/// A learning-rate schedule from the command line: its name and parameters, shared by
/// <c>adaptivelr schedule</c> (<c>--name</c>) and <c>adaptivelr train</c> (<c>--schedule</c>).
/// </summary>
public sealed class ScheduleOptions
{
    public static IReadOnlyList<string> Names { get; } = ["constant", "step", "exponential", "cosine", "warmup-cosine", "one-cycle", "plateau"];

    public ScheduleOptions(string nameOption, string nameDescription)
    {
        Name = new Option<string>(nameOption) { Description = $"{nameDescription}: {string.Join(", ", Names)}" };
    }

    public Option<string> Name { get; }

    private readonly Option<double?> gamma = NumberParsing.FiniteNumber("--gamma", "step, exponential: factor per decay (step default 0.1)");
    private readonly Option<double?> stepSize = NumberParsing.FiniteNumber("--step-size", "step: steps between decays");
    private readonly Option<double?> warmup = NumberParsing.FiniteNumber("--warmup", "warmup-cosine: steps of linear warm-up");
    private readonly Option<double?> minLr = NumberParsing.FiniteNumber("--min-lr", "cosine, warmup-cosine, plateau: the lowest learning rate (default 0)");
    private readonly Option<double?> pctStart = NumberParsing.FiniteNumber("--pct-start", "one-cycle: share of the steps spent rising (default 0.3)");
    private readonly Option<double?> divFactor = NumberParsing.FiniteNumber("--div-factor", "one-cycle: lr / initial lr (default 25)");
    private readonly Option<double?> finalDivFactor = NumberParsing.FiniteNumber("--final-div-factor", "one-cycle: initial lr / final lr (default 1e4)");
    private readonly Option<double?> factor = NumberParsing.FiniteNumber("--factor", "plateau: factor of each reduction (default 0.1)");
    private readonly Option<double?> patience = NumberParsing.FiniteNumber("--patience", "plateau: evaluations without improvement before a reduction (default 10)");

    public IEnumerable<Option> All => [Name, gamma, stepSize, warmup, minLr, pctStart, divFactor, finalDivFactor, factor, patience];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>
    /// The schedule named by the option, over <paramref name="steps"/> steps from <paramref name="lr"/>,
    /// or a usage error; null when no name was given. plateau comes back as <see cref="ReduceOnPlateau"/>.
    /// </summary>
    public object? Resolve(ParseResult parsed, double lr, long steps)
    {
        string? name = parsed.GetValue(Name);
        if (name is null) return null;
        object schedule = name switch
        {
            "constant" => new ConstantSchedule(lr),
            "step" => new StepDecaySchedule(lr, Integer(parsed, stepSize, "--step-size") ?? throw Required("--step-size", name), parsed.GetValue(gamma) ?? 0.1),
            "exponential" => new ExponentialSchedule(lr, parsed.GetValue(gamma) ?? throw Required("--gamma", name)),
            "cosine" => new CosineSchedule(lr, steps, parsed.GetValue(minLr) ?? 0),
            "warmup-cosine" => new WarmupCosineSchedule(lr, Integer(parsed, warmup, "--warmup") ?? throw Required("--warmup", name), steps, parsed.GetValue(minLr) ?? 0),
            "one-cycle" => new OneCycleSchedule(lr, steps, parsed.GetValue(pctStart) ?? 0.3, parsed.GetValue(divFactor) ?? 25, parsed.GetValue(finalDivFactor) ?? 1e4),
            "plateau" => new ReduceOnPlateau(lr, parsed.GetValue(factor) ?? 0.1, (int)(Integer(parsed, patience, "--patience") ?? 10), MinLr: parsed.GetValue(minLr) ?? 0),
            _ => throw new UsageException($"{Name.Name}: unknown schedule '{name}'; allowed: {string.Join(", ", Names)}"),
        };
        var errors = schedule is Pure.Schedules.Schedule s ? s.Validate() : ((ReduceOnPlateau)schedule).Validate();
        if (errors.Count > 0) throw new UsageException($"{HyperparameterOptions.FlagName(errors[0].Parameter)}: {errors[0].Problem}");
        return schedule;
    }

    private static long? Integer(ParseResult parsed, Option<double?> option, string flag)
    {
        double? value = parsed.GetValue(option);
        if (value is null) return null;
        if (value != Math.Floor(value.Value) || value < 0 || value > int.MaxValue)
            throw new UsageException($"{flag}: {value} is not allowed; allowed: a whole number >= 0");
        return (long)value;
    }

    private UsageException Required(string flag, string name) => new($"{flag} is required for {Name.Name} {name}");
}

using System.CommandLine;
using AdaptiveLR.Pure.Core;
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

    private readonly Option<double?> gamma = NumberParsing.FiniteNumber("--gamma", "step, exponential: factor per decay, > 0 (step default 0.1); above 1 the rate grows, as torch allows");
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

    /// <summary>The flags with the configuration key each sets (<c>train</c>, <c>compare</c>, <c>config</c>).</summary>
    public IEnumerable<(Option Option, string Key)> Keyed =>
    [
        (Name, "Schedule:Name"), (gamma, "Schedule:Gamma"), (stepSize, "Schedule:StepSize"), (warmup, "Schedule:Warmup"), (minLr, "Schedule:MinLr"),
        (pctStart, "Schedule:PctStart"), (divFactor, "Schedule:DivFactor"), (finalDivFactor, "Schedule:FinalDivFactor"), (factor, "Schedule:Factor"), (patience, "Schedule:Patience"),
    ];

    /// <summary>
    /// The schedule named by the option, over <paramref name="steps"/> steps from <paramref name="lr"/>,
    /// or a usage error; null when no name was given. plateau comes back as <see cref="ReduceOnPlateau"/>.
    /// </summary>
    public object? Resolve(ParseResult parsed, double lr, long steps)
    {
        string? name = parsed.GetValue(Name);
        if (name is null) return null;
        if (!Names.Contains(name)) throw new UsageException($"{Name.Name}: unknown schedule '{name}'{Messages.NearestNames.Hint(name, Names)}; allowed: {string.Join(", ", Names)}");
        var settings = new Configuration.ScheduleSettings
        {
            Name = name,
            Gamma = parsed.GetValue(gamma),
            StepSize = Integer(parsed, stepSize, "--step-size"),
            Warmup = Integer(parsed, warmup, "--warmup"),
            MinLr = parsed.GetValue(minLr),
            PctStart = parsed.GetValue(pctStart),
            DivFactor = parsed.GetValue(divFactor),
            FinalDivFactor = parsed.GetValue(finalDivFactor),
            Factor = parsed.GetValue(factor),
            Patience = Integer(parsed, patience, "--patience"),
        };
        var (schedule, error) = Create(settings, lr, steps);
        if (error is null) return schedule;
        throw new UsageException(Message(error, HyperparameterOptions.FlagName(error.Parameter), $"{Name.Name} {name}"));
    }

    /// <summary>
    /// The schedule <paramref name="settings"/> describe, over <paramref name="steps"/> steps from
    /// <paramref name="lr"/>, or the first problem (its parameter in torch's spelling: <c>step_size</c>).
    /// </summary>
    public static (object? Schedule, ValidationError? Error) Create(Configuration.ScheduleSettings settings, double lr, long steps)
    {
        ValidationError Required(string parameter) => new(parameter, $"is required for {settings.Name}");
        object? schedule = settings.Name switch
        {
            "constant" => new ConstantSchedule(lr),
            "step" => settings.StepSize is { } size ? new StepDecaySchedule(lr, size, settings.Gamma ?? 0.1) : null,
            "exponential" => settings.Gamma is { } g ? new ExponentialSchedule(lr, g) : null,
            "cosine" => new CosineSchedule(lr, steps, settings.MinLr ?? 0),
            "warmup-cosine" => settings.Warmup is { } w ? new WarmupCosineSchedule(lr, w, steps, settings.MinLr ?? 0) : null,
            "one-cycle" => new OneCycleSchedule(lr, steps, settings.PctStart ?? 0.3, settings.DivFactor ?? 25, settings.FinalDivFactor ?? 1e4),
            "plateau" => new ReduceOnPlateau(lr, settings.Factor ?? 0.1, settings.Patience ?? 10, MinLr: settings.MinLr ?? 0),
            _ => throw new ArgumentException($"unknown schedule '{settings.Name}'"),
        };
        if (schedule is null) return (null, Required(settings.Name switch { "step" => "step_size", "exponential" => "gamma", _ => "warmup" }));
        var errors = schedule is Pure.Schedules.Schedule s ? s.Validate() : ((ReduceOnPlateau)schedule).Validate();
        return errors.Count > 0 ? (null, errors[0]) : (schedule, null);
    }

    /// <summary>
    /// Step and exponential decay accept a gamma above 1, as torch's StepLR and ExponentialLR do, which
    /// grows the rate; this names the problem when the rate would exceed <paramref name="largest"/>
    /// (a finite double for <c>schedule</c>, float32's largest for a model) within <paramref name="steps"/> steps, else null.
    /// </summary>
    public static string? GrowthProblem(object schedule, long steps, double largest, string what)
    {
        if (schedule is not (StepDecaySchedule { Gamma: > 1 } or ExponentialSchedule { Gamma: > 1 })) return null;
        var stepped = (Pure.Schedules.Schedule)schedule;
        double last = stepped.LearningRate(steps - 1);
        if (double.IsFinite(last) && last <= largest) return null;
        var (gamma, lr, growths) = schedule switch
        {
            StepDecaySchedule step => (step.Gamma, step.Lr, (steps - 1) / step.StepSize),
            ExponentialSchedule exponential => (exponential.Gamma, exponential.Lr, steps - 1),
            _ => throw new InvalidOperationException("not a growing schedule"),
        };
        double limit = Math.Pow(largest / lr, 1.0 / growths);
        return $"--gamma: {Output.NumberText.Exact(gamma)} grows the learning rate beyond {what} ({Output.NumberText.Short(largest)}) within {steps} steps; allowed: a gamma below {Output.NumberText.Short(limit)} for this lr and number of steps";
    }

    /// <summary>"--step-size is required for --name step" or "--gamma: -1 is out of range; …".</summary>
    public static string Message(ValidationError error, string where, string schedule) =>
        error.Problem.StartsWith("is required", StringComparison.Ordinal) ? $"{where} is required for {schedule}" : $"{where}: {error.Problem}";

    private static int? Integer(ParseResult parsed, Option<double?> option, string flag)
    {
        double? value = parsed.GetValue(option);
        if (value is null) return null;
        if (value != Math.Floor(value.Value) || value < 0 || value > int.MaxValue)
            throw new UsageException($"{flag}: {value} is not allowed; allowed: a whole number >= 0");
        return (int)value;
    }
}

using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Schedules;

/// <summary>
/// A learning-rate schedule as a pure function of the step, in the style of optax: the learning
/// rate to use after <c>step</c> completed steps (step 0 is the first update). Immutable records;
/// <see cref="Validate"/> returns errors rather than throwing.
/// </summary>
public abstract record Schedule
{
    /// <summary>The schedule's name as the CLI spells it (<c>cosine</c>, <c>one-cycle</c>, …).</summary>
    public abstract string Name { get; }

    /// <summary>The learning rate for the update that follows <paramref name="step"/> completed steps.</summary>
    public abstract double LearningRate(long step);

    /// <summary>Every out-of-range value; empty when valid. Never throws.</summary>
    public abstract IReadOnlyList<ValidationError> Validate();

    /// <summary>Cosine interpolation from <paramref name="from"/> to <paramref name="to"/> at <paramref name="progress"/> in [0, 1].</summary>
    protected static double Cosine(double from, double to, double progress) =>
        to + (from - to) * (1 + Math.Cos(Math.PI * Math.Clamp(progress, 0, 1))) / 2;
}

/// <summary>lr at every step.</summary>
public sealed record ConstantSchedule(double Lr) : Schedule
{
    /// <inheritdoc/>
    public override string Name => "constant";
    /// <inheritdoc/>
    public override double LearningRate(long step) => Lr;
    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() => Allowed.Collect(Allowed.Positive("lr", Lr));
}

/// <summary>torch's StepLR: lr·γ^⌊t / step_size⌋.</summary>
public sealed record StepDecaySchedule(double Lr, long StepSize, double Gamma = 0.1) : Schedule
{
    /// <inheritdoc/>
    public override string Name => "step";
    /// <inheritdoc/>
    public override double LearningRate(long step) => Lr * Math.Pow(Gamma, step / StepSize);
    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(Allowed.Positive("lr", Lr), Allowed.Positive("step_size", StepSize), Allowed.Positive("gamma", Gamma));
}

/// <summary>torch's ExponentialLR: lr·γᵗ.</summary>
public sealed record ExponentialSchedule(double Lr, double Gamma) : Schedule
{
    /// <inheritdoc/>
    public override string Name => "exponential";
    /// <inheritdoc/>
    public override double LearningRate(long step) => Lr * Math.Pow(Gamma, step);
    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() => Allowed.Collect(Allowed.Positive("lr", Lr), Allowed.Positive("gamma", Gamma));
}

/// <summary>Cosine annealing (Loshchilov &amp; Hutter, SGDR, 2017) from lr to min_lr over <c>Steps</c>, then min_lr.</summary>
public sealed record CosineSchedule(double Lr, long Steps, double MinLr = 0) : Schedule
{
    /// <inheritdoc/>
    public override string Name => "cosine";
    /// <inheritdoc/>
    public override double LearningRate(long step) => Cosine(Lr, MinLr, (double)step / Steps);
    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(Allowed.Positive("lr", Lr), Allowed.Positive("steps", Steps), Allowed.NonNegative("min_lr", MinLr));
}

/// <summary>Linear warm-up from 0 to lr over <c>WarmupSteps</c>, then cosine annealing to min_lr at <c>Steps</c> (optax's warmup_cosine_decay_schedule).</summary>
public sealed record WarmupCosineSchedule(double Lr, long WarmupSteps, long Steps, double MinLr = 0) : Schedule
{
    /// <inheritdoc/>
    public override string Name => "warmup-cosine";

    /// <inheritdoc/>
    public override double LearningRate(long step) =>
        step < WarmupSteps ? Lr * (step + 1) / WarmupSteps : Cosine(Lr, MinLr, (double)(step - WarmupSteps) / Math.Max(1, Steps - WarmupSteps));

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(Allowed.Positive("lr", Lr), Allowed.Positive("steps", Steps), Allowed.NonNegative("min_lr", MinLr),
            WarmupSteps >= 0 && WarmupSteps < Steps ? null : new ValidationError("warmup", $"{WarmupSteps} is out of range; allowed: an integer in [0, steps)"));
}

/// <summary>
/// torch's OneCycleLR (Smith &amp; Topin, "Super-Convergence", 2019) with cosine phases: from
/// lr/div_factor up to lr over pct_start of the steps, then down to lr/(div_factor·final_div_factor).
/// </summary>
public sealed record OneCycleSchedule(double Lr, long Steps, double PctStart = 0.3, double DivFactor = 25, double FinalDivFactor = 1e4) : Schedule
{
    /// <inheritdoc/>
    public override string Name => "one-cycle";

    /// <inheritdoc/>
    public override double LearningRate(long step)
    {
        double initial = Lr / DivFactor, final = initial / FinalDivFactor;
        double peak = PctStart * Steps - 1;
        return step <= peak
            ? Cosine(initial, Lr, step / Math.Max(peak, 1))
            : Cosine(Lr, final, (step - peak) / Math.Max(Steps - 1 - peak, 1));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(Allowed.Positive("lr", Lr), Allowed.Positive("steps", Steps),
            PctStart is > 0 and < 1 ? null : new ValidationError("pct_start", $"{PctStart} is out of range; allowed: a number in (0, 1)"),
            Allowed.Positive("div_factor", DivFactor), Allowed.Positive("final_div_factor", FinalDivFactor));
}

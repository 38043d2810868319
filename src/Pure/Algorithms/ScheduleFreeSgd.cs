using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// Schedule-Free SGD's hyperparameters, with the authors' defaults (facebookresearch/schedule_free,
/// <c>SGDScheduleFree</c>): the parameters train at y and are evaluated at x (the adapter's <c>eval()</c> and <c>train()</c>).
/// </summary>
public sealed record ScheduleFreeSgdHyperparameters(
    double Lr = 1.0,
    double Momentum = 0.9,
    double WeightDecay = 0,
    double WarmupSteps = 0,
    double R = 0,
    double WeightLrPower = 2) : StagedHyperparameters
{
    /// <summary>The paper and the update equations, as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Schedule-Free SGD — Defazio, Yang, Mehta, Mishchenko, Khaled & Cutkosky, "The Road Less
        Scheduled", NeurIPS 2024; the authors' SGDScheduleFree (facebookresearch/schedule_free), the
        train/eval form. z is the base SGD sequence (slot z), x the weighted average of z (evaluated),
        y = (1 − β)z + βx with β = momentum (trained; the parameters hold y while training). k counts steps from 0:

          γ     = lr · min(1, (k+1)/warmup_steps)            (scheduled_lr; no decay, no schedule)
          lr_max ← max(lr_max, γ);  w = (k+1)^r · lr_max^weight_lr_power
          weight_sum ← weight_sum + w;  c = w/weight_sum     (ckp1)
          u = g + λy                                        (weight decay at y)
          y ← (1 − c)y + c·z + γ(β(1 − c) − 1)·u
          z ← z − γu                                        (z starts at the initial parameters)
          x = (1 − c)x + c·z   hence x = Σ wₜzₜ / Σ wₜ

        eval() sets the parameters to x = y + (1 − 1/β)(z − y); train() back to y = x + (1 − β)(z − x).
        Effective learning rate shown: γ, the step of the base sequence z per unit of gradient; y moves
        by γ(1 − β(1 − c)) and x by c·γ. Defaults lr 1.0, momentum 0.9, weight_decay 0, warmup_steps 0
        (the authors recommend a warmup), r 0, weight_lr_power 2.
        """;

    private static readonly ImmutableArray<StateSlot?> Layout1 = [new StateSlot("z")];

    /// <inheritdoc/>
    public override string Algorithm => "schedulefree-sgd";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Layout1;

    /// <inheritdoc/>
    public override GroupScalars InitialScalars => ScheduleFree.InitialScalars;

    /// <inheritdoc/>
    public override bool HasEvaluationView => true;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Momentum = s.Momentum ?? Momentum,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            WarmupSteps = s.WarmupSteps ?? WarmupSteps,
            R = s.R ?? R,
            WeightLrPower = s.WeightLrPower ?? WeightLrPower,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
        [
            Allowed.Positive("lr", Lr),
            .. ScheduleFree.Validate("momentum", Momentum, WarmupSteps, R, WeightLrPower),
            Allowed.NonNegative("weight_decay", WeightDecay),
        ]);

    /// <inheritdoc/>
    public override GroupScalars Advance(StepContext context, GroupScalars scalars, ReadOnlySpan<double> groupSums) =>
        ScheduleFree.Advance(context, scalars, WarmupSteps, R, WeightLrPower);

    /// <inheritdoc/>
    protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor) =>
        visitor.Visit(new ScheduleFreeSgdRule(inputs, Momentum));

    /// <inheritdoc/>
    protected override TResult WithViewRule<TVisitor, TResult>(bool toEvaluation, GroupScalars scalars, ref TVisitor visitor) =>
        visitor.Visit(ScheduleFree.ViewRule(toEvaluation, Momentum));
}

/// <summary>One step of Schedule-Free SGD on y (the parameter): slot 0 is z.</summary>
public readonly struct ScheduleFreeSgdRule : ISlotRule
{
    private readonly double weightDecay, ckp1, yStep, zStep;
    private readonly bool startsZ;

    /// <summary>The rule for one tensor's step, from the group's scalars after it (scheduled lr, ckp1).</summary>
    public ScheduleFreeSgdRule(in StageInputs inputs, double momentum)
    {
        double lr = inputs.After["scheduled_lr"];
        ckp1 = inputs.After["ckp1"];
        yStep = lr * (momentum * (1 - ckp1) - 1);
        zStep = lr;
        weightDecay = inputs.Context.WeightDecay;
        // The authors create z as a copy of the parameter at its first step.
        startsZ = inputs.Context.Step == 1;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>
    {
        // Every broadcast before the first branch, so that the kernel's loop computes them once (see ISlotRule).
        T decay = T.Broadcast(weightDecay);
        ref T z = ref state[0];
        if (startsZ) z = parameter;
        T update = weightDecay != 0 ? gradient + decay * parameter : gradient;
        parameter = ScheduleFree.Lerp(parameter, z, ckp1) + T.Broadcast(yStep) * update;
        z -= T.Broadcast(zStep) * update;
    }

    /// <inheritdoc/>
    public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> => T.Broadcast(zStep);
}

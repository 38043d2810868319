using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// Schedule-Free AdamW's hyperparameters, with the authors' defaults (facebookresearch/schedule_free,
/// <c>AdamWScheduleFree</c>): no learning-rate schedule; the parameters train at y and are evaluated at x,
/// the weighted average of the base sequence z (the adapter's <c>eval()</c> and <c>train()</c>).
/// </summary>
public sealed record ScheduleFreeAdamWHyperparameters(
    double Lr = 0.0025,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Eps = 1e-8,
    double WeightDecay = 0,
    double WarmupSteps = 0,
    double R = 0,
    double WeightLrPower = 2,
    double InnerMomentum = 0) : StagedHyperparameters
{
    /// <summary>The paper and the update equations, as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Schedule-Free AdamW — Defazio, Yang, Mehta, Mishchenko, Khaled & Cutkosky, "The Road Less
        Scheduled", NeurIPS 2024; the authors' AdamWScheduleFree (facebookresearch/schedule_free), the
        train/eval form. Three sequences: z (the base Adam sequence, slot z), x (the weighted average of
        z, where the model is evaluated) and y = (1 − β₁)z + β₁x (where gradients are taken; the
        parameters hold y while training). k counts steps from 0:

          γ     = lr · min(1, (k+1)/warmup_steps)            (scheduled_lr; no decay, no schedule)
          lr_max ← max(lr_max, γ);  w = (k+1)^r · lr_max^weight_lr_power
          weight_sum ← weight_sum + w;  c = w/weight_sum     (ckp1)
          v ← β₂v + (1 − β₂)g²;  d = √(v/(1 − β₂^(k+1))) + ε
          u = g/d    (inner_momentum μ > 0: m ← μm + (1 − μ)g;  u = m/(1 − μ^(k+1))/d)
          u ← u + λy                                        (weight decay at y)
          y ← (1 − c)y + c·z + γ(β₁(1 − c) − 1)·u
          z ← z − γu                                        (z starts at the initial parameters)
          x = (1 − c)x + c·z   hence x = Σ wₜzₜ / Σ wₜ

        eval() sets the parameters to x = y + (1 − 1/β₁)(z − y); train() back to y = x + (1 − β₁)(z − x).
        Effective learning rate shown: γ/d (γ/(1 − μ^(k+1))/d with inner momentum), the step of the base sequence z per unit of u; y moves by
        γ(1 − β₁(1 − c)) and x by c·γ per unit of u. Defaults lr 0.0025, betas (0.9, 0.999), eps 1e-8,
        weight_decay 0, warmup_steps 0 (the authors recommend a warmup, e.g. 5% of the steps), r 0,
        weight_lr_power 2, inner_momentum 0.
        """;

    private static readonly ImmutableArray<StateSlot?> Plain = [new StateSlot("z"), new StateSlot("exp_avg_sq"), null];
    private static readonly ImmutableArray<StateSlot?> WithInnerMomentum = [new StateSlot("z"), new StateSlot("exp_avg_sq"), new StateSlot("exp_avg")];

    /// <inheritdoc/>
    public override string Algorithm => "schedulefree-adamw";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => InnerMomentum != 0 ? WithInnerMomentum : Plain;

    /// <inheritdoc/>
    public override GroupScalars InitialScalars => ScheduleFree.InitialScalars;

    /// <inheritdoc/>
    public override bool HasEvaluationView => true;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Beta1 = s.Beta1 ?? Beta1,
            Beta2 = s.Beta2 ?? Beta2,
            Eps = s.Eps ?? Eps,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            WarmupSteps = s.WarmupSteps ?? WarmupSteps,
            R = s.R ?? R,
            WeightLrPower = s.WeightLrPower ?? WeightLrPower,
            InnerMomentum = s.InnerMomentum ?? InnerMomentum,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
        [
            Allowed.Positive("lr", Lr),
            .. ScheduleFree.Validate("beta1", Beta1, WarmupSteps, R, WeightLrPower),
            Allowed.DecayRate("beta2", Beta2),
            Allowed.Positive("eps", Eps),
            Allowed.NonNegative("weight_decay", WeightDecay),
            Allowed.DecayRate("inner_momentum", InnerMomentum),
        ]);

    /// <inheritdoc/>
    public override GroupScalars Advance(StepContext context, GroupScalars scalars, ReadOnlySpan<double> groupSums) =>
        ScheduleFree.Advance(context, scalars, WarmupSteps, R, WeightLrPower);

    /// <inheritdoc/>
    protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor) =>
        visitor.Visit(new ScheduleFreeAdamWRule(inputs, Beta1, Beta2, Eps, InnerMomentum));

    /// <inheritdoc/>
    protected override TResult WithViewRule<TVisitor, TResult>(bool toEvaluation, GroupScalars scalars, ref TVisitor visitor) =>
        visitor.Visit(ScheduleFree.ViewRule(toEvaluation, Beta1));
}

/// <summary>One step of Schedule-Free AdamW on y (the parameter): slot 0 is z, slot 1 exp_avg_sq, slot 2 exp_avg (inner momentum only).</summary>
public readonly struct ScheduleFreeAdamWRule : ISlotRule
{
    private readonly double inverseBiasCorrection2, inverseBiasCorrection1, beta2, eps, innerMomentum, weightDecay, ckp1, yStep, zStep;
    private readonly bool startsZ;

    /// <summary>The rule for one tensor's step, from the group's scalars before it (k) and after it (scheduled lr, ckp1).</summary>
    public ScheduleFreeAdamWRule(in StageInputs inputs, double beta1, double beta2, double eps, double innerMomentum)
    {
        double k = inputs.Before["k"], lr = inputs.After["scheduled_lr"];
        ckp1 = inputs.After["ckp1"];
        // Multiplications by the inverses where the authors divide: a division costs as much as the step's memory traffic on float32 SIMD.
        inverseBiasCorrection2 = 1 / (1 - Math.Pow(beta2, k + 1));
        inverseBiasCorrection1 = innerMomentum != 0 ? 1 / (1 - Math.Pow(innerMomentum, k + 1)) : 1;
        yStep = lr * (beta1 * (1 - ckp1) - 1);
        zStep = lr;
        (this.beta2, this.eps, this.innerMomentum, weightDecay) = (beta2, eps, innerMomentum, inputs.Context.WeightDecay);
        // The authors create z as a copy of the parameter at its first step.
        startsZ = inputs.Context.Step == 1;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>
    {
        // Every broadcast before the first branch, so that the kernel's loop computes them once (see ISlotRule).
        T keep2 = T.Broadcast(beta2), mix2 = T.Broadcast(1 - beta2), correction2 = T.Broadcast(inverseBiasCorrection2), epsilon = T.Broadcast(eps);
        T keep1 = T.Broadcast(innerMomentum), mix1 = T.Broadcast(1 - innerMomentum), correction1 = T.Broadcast(inverseBiasCorrection1);
        T decay = T.Broadcast(weightDecay);
        ref T z = ref state[0], v = ref state[1];
        if (startsZ) z = parameter;
        v = v * keep2 + gradient * gradient * mix2;
        T denominator = T.Sqrt(v * correction2) + epsilon;
        T update;
        if (innerMomentum != 0)
        {
            ref T m = ref state[2];
            m = m * keep1 + gradient * mix1;
            update = m * correction1 / denominator;
        }
        else
        {
            update = gradient / denominator;
        }
        if (weightDecay != 0) update += decay * parameter;
        parameter = ScheduleFree.Lerp(parameter, z, ckp1) + T.Broadcast(yStep) * update;
        z -= T.Broadcast(zStep) * update;
    }

    /// <inheritdoc/>
    public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> =>
        T.Broadcast(zStep * inverseBiasCorrection1) / (T.Sqrt(state[1] * T.Broadcast(inverseBiasCorrection2)) + T.Broadcast(eps));
}

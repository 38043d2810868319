using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// AdEMAMix's hyperparameters, with the authors' code's defaults (apple/ml-ademamix: lr 1e-3, betas
/// (0.9, 0.999, 0.9999), alpha 2, eps 1e-8, no warm-up). A warm-up of 0 steps is none (the reference's None).
/// </summary>
public sealed record AdEMAMixHyperparameters(
    double Lr = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Beta3 = 0.9999, double Alpha = 2, double Eps = 1e-8,
    double WeightDecay = 0, double AlphaWarmup = 0, double Beta3Warmup = 0)
    : StagedHyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations (the authors' code's semantics), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        AdEMAMix — Pagliardini, Ablin & Grangier, "The AdEMAMix Optimizer: Better, Faster, Older",
        ICLR 2025 (arXiv 2409.03463), Algorithm 1 with the authors' code's schedulers
        (apple/ml-ademamix, ademamix.py): Adam's update plus α times a slow, not bias-corrected average.

          αₜ  = α·t/T_α while t < T_α, then α                    (alpha_warmup = T_α; 0: none)
          β₃ₜ = f⁻¹((1 − t/T_β)·f(β₁) + t/T_β·f(β₃)) while t < T_β, then β₃   (beta3_warmup = T_β)
                f(β) = ln ½ / ln(β + 10⁻⁸) − 1 (half-life),  f⁻¹(h) = ½^(1/(h + 1))
          m₁  ← β₁m₁ + (1 − β₁)g                 (exp_avg_fast; β₁ = 0: m₁ = g, not kept)
          m₂  ← β₃ₜm₂ + (1 − β₃ₜ)g               (exp_avg_slow)
          v   ← β₂v + (1 − β₂)g²                 (exp_avg_sq)
          θ   ← θ − lr·((m₁/(1 − β₁ᵗ) + αₜm₂)/(√v/√(1 − β₂ᵗ) + ε) + λθ)

        With α = 0 it is Adam with decoupled weight decay λ scaled by lr (AdamW).
        Effective learning rate shown: lr/(√v/√(1 − β₂ᵗ) + ε), the factor on m₁/(1 − β₁ᵗ) + αₜm₂.
        """;

    private static readonly ImmutableArray<StateSlot?> WithFast = [new StateSlot("exp_avg_fast"), new StateSlot("exp_avg_slow"), new StateSlot("exp_avg_sq")];
    private static readonly ImmutableArray<StateSlot?> WithoutFast = [null, new StateSlot("exp_avg_slow"), new StateSlot("exp_avg_sq")];

    /// <summary>The longest warm-up accepted: steps are counted in a long, and a warm-up longer than any run is none.</summary>
    public const double MaxWarmup = 1e15;

    /// <inheritdoc/>
    public override string Algorithm => "ademamix";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Beta1 == 0 ? WithoutFast : WithFast;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Beta1 = s.Beta1 ?? Beta1,
            Beta2 = s.Beta2 ?? Beta2,
            Beta3 = s.Beta3 ?? Beta3,
            Alpha = s.Alpha ?? Alpha,
            Eps = s.Eps ?? Eps,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            AlphaWarmup = s.AlphaWarmup ?? AlphaWarmup,
            Beta3Warmup = s.Beta3Warmup ?? Beta3Warmup,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            Allowed.Positive("lr", Lr),
            Allowed.DecayRate("beta1", Beta1),
            Allowed.DecayRate("beta2", Beta2),
            Allowed.DecayRate("beta3", Beta3),
            Allowed.NonNegative("alpha", Alpha),
            Allowed.Positive("eps", Eps),
            Allowed.NonNegative("weight_decay", WeightDecay),
            StepCount("alpha_warmup", AlphaWarmup),
            StepCount("beta3_warmup", Beta3Warmup));

    private static ValidationError? StepCount(string name, double value) =>
        value is >= 0 and <= MaxWarmup && value == Math.Floor(value) ? null
            : new ValidationError(name, $"{value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} is out of range; allowed: a whole number of steps in [0, 1e15] (0: no warm-up)");

    /// <summary>αₜ at step <paramref name="step"/> (1-based): linear from 0 over <see cref="AlphaWarmup"/> steps.</summary>
    public double AlphaAt(long step) => step < AlphaWarmup ? step / AlphaWarmup * Alpha : Alpha;

    /// <summary>β₃ₜ at step <paramref name="step"/>: its half-life linear from β₁'s to β₃'s over <see cref="Beta3Warmup"/> steps.</summary>
    public double Beta3At(long step)
    {
        if (step >= Beta3Warmup) return Beta3;
        double a = step / Beta3Warmup;
        return Math.Pow(0.5, 1 / ((1 - a) * HalfLife(Beta1) + a * HalfLife(Beta3) + 1));
    }

    private static double HalfLife(double beta) => Math.Log(0.5) / Math.Log(beta + 1e-8) - 1;

    /// <inheritdoc/>
    protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor)
    {
        long step = inputs.Context.Step;
        return visitor.Visit(new AdEMAMixRule(inputs.Context, Beta1, Beta2, Beta3At(step), AlphaAt(step), Eps));
    }
}

/// <summary>One step of AdEMAMix: slot 0 is exp_avg_fast (m₁, unused when β₁ = 0), 1 exp_avg_slow (m₂), 2 exp_avg_sq (v).</summary>
public readonly struct AdEMAMixRule : ISlotRule
{
    private readonly double lr, weightDecay, inverseBiasCorrection1, inverseBiasCorrection2Sqrt, beta1, beta2, beta3, alpha, eps;

    /// <summary>The rule of one step with the scheduled <paramref name="beta3"/> and <paramref name="alpha"/>.</summary>
    public AdEMAMixRule(StepContext context, double beta1, double beta2, double beta3, double alpha, double eps)
    {
        (lr, weightDecay) = (context.LearningRate, context.WeightDecay);
        inverseBiasCorrection1 = 1 / (1 - Math.Pow(beta1, context.Step));
        inverseBiasCorrection2Sqrt = 1 / Math.Sqrt(1 - Math.Pow(beta2, context.Step));
        (this.beta1, this.beta2, this.beta3, this.alpha, this.eps) = (beta1, beta2, beta3, alpha, eps);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>
    {
        // Every broadcast before the first branch, so that the kernel's loop computes them once (see ISlotRule).
        T keep1 = T.Broadcast(beta1), mix1 = T.Broadcast(1 - beta1), keep3 = T.Broadcast(beta3), mix3 = T.Broadcast(1 - beta3);
        T keep2 = T.Broadcast(beta2), mix2 = T.Broadcast(1 - beta2), correction2 = T.Broadcast(inverseBiasCorrection2Sqrt), epsilon = T.Broadcast(eps);
        T correction1 = T.Broadcast(inverseBiasCorrection1), mixSlow = T.Broadcast(alpha), decay = T.Broadcast(weightDecay), step = T.Broadcast(lr);
        // β₁ = 0: m₁ = g and the slot is not kept (bias correction 1 − 0ᵗ = 1).
        T fast = beta1 == 0 ? gradient : state[0] = keep1 * state[0] + mix1 * gradient;
        T slow = state[1] = keep3 * state[1] + mix3 * gradient;
        T v = state[2] = keep2 * state[2] + mix2 * gradient * gradient;
        T denominator = T.Sqrt(v) * correction2 + epsilon;
        T update = (fast * correction1 + mixSlow * slow) / denominator;
        if (weightDecay != 0) update += decay * parameter;
        parameter -= step * update;
    }

    /// <inheritdoc/>
    public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> =>
        T.Broadcast(lr) / (T.Sqrt(state[2]) * T.Broadcast(inverseBiasCorrection2Sqrt) + T.Broadcast(eps));
}

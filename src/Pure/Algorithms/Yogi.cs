using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>Yogi's hyperparameters (the paper's defaults: lr 1e-2, betas (0.9, 0.999), eps 1e-3, v₀ 1e-6).</summary>
public sealed record YogiHyperparameters(
    double Lr = 1e-2, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-3, double WeightDecay = 0, double InitialAccumulatorValue = 1e-6)
    : Hyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations (torch.optim's semantics where it has the algorithm), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Yogi — Zaheer et al., "Adaptive Methods for Nonconvex Optimization", NeurIPS 2018, Algorithm 2:
        the second moment moves additively towards g², so it cannot collapse as fast as Adam's.
        As in the paper's Algorithm 2: no bias correction, m starts at 0 and v at initial_accumulator_value.
        (optax's scale_by_yogi differs: m and v both start at initial_accumulator_value and both are
        bias-corrected, m/(1 − β₁ᵗ) and v/(1 − β₂ᵗ).)

          g ← g + λθ                               (weight decay, when λ > 0)
          m ← β₁m + (1 − β₁)g
          v ← v − (1 − β₂)·sign(v − g²)·g²
          θ ← θ − lr · m/(√v + ε)
        """;

    /// <inheritdoc/>
    public override string Algorithm => "yogi";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Layout(new StateSlot("m"), new StateSlot("v", InitialAccumulatorValue, NonNegative: true));

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Beta1 = s.Beta1 ?? Beta1,
            Beta2 = s.Beta2 ?? Beta2,
            Eps = s.Eps ?? Eps,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            InitialAccumulatorValue = s.InitialAccumulatorValue ?? InitialAccumulatorValue
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        [.. AdamSlots.Validate(Lr, Beta1, Beta2, Eps, WeightDecay), .. Allowed.Collect(Allowed.Positive("initial_accumulator_value", InitialAccumulatorValue))];

    /// <inheritdoc/>
    public override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        visitor.Visit(new YogiRule(context, Beta1, Beta2, Eps));
}

/// <summary>One step of Yogi: slot 0 is m, slot 1 v.</summary>
public readonly struct YogiRule(StepContext context, double beta1, double beta2, double eps) : IElementRule
{
    private readonly double lr = context.LearningRate, weightDecay = context.WeightDecay, beta1 = beta1, beta2 = beta2, eps = eps;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void IElementRule.Apply<T>(ref T parameter, T gradient, ref T m, ref T v, ref T unused)
    {
        if (weightDecay != 0) gradient += T.Broadcast(weightDecay) * parameter;
        m = T.Broadcast(beta1) * m + T.Broadcast(1 - beta1) * gradient;
        T squared = gradient * gradient;
        v -= T.Broadcast(1 - beta2) * T.Sign(v - squared) * squared;
        parameter -= T.Broadcast(lr) * m / (T.Sqrt(v) + T.Broadcast(eps));
    }

    T IElementRule.EffectiveLearningRate<T>(T m, T v, T unused) => T.Broadcast(lr) / (T.Sqrt(v) + T.Broadcast(eps));
}

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>Adamax's hyperparameters (torch.optim.Adamax defaults: lr 2e-3).</summary>
public sealed record AdamaxHyperparameters(double Lr = 2e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8, double WeightDecay = 0)
    : Hyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations (torch.optim's semantics where it has the algorithm), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Adamax — Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, Algorithm 2 (the
        infinity-norm variant), with torch.optim.Adamax's semantics (eps inside the max):

          g ← g + λθ                         (weight decay, when λ > 0)
          m ← β₁m + (1 − β₁)g
          u ← max(β₂u, |g| + ε)
          θ ← θ − lr/(1 − β₁ᵗ) · m/u
        """;

    private static readonly ImmutableArray<StateSlot?> Layout2 = [new StateSlot("m"), new StateSlot("u", NonNegative: true), null];

    /// <inheritdoc/>
    public override string Algorithm => "adamax";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Layout2;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with { Lr = s.Lr ?? Lr, Beta1 = s.Beta1 ?? Beta1, Beta2 = s.Beta2 ?? Beta2, Eps = s.Eps ?? Eps, WeightDecay = s.WeightDecay ?? WeightDecay };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() => AdamSlots.Validate(Lr, Beta1, Beta2, Eps, WeightDecay);

    /// <inheritdoc/>
    public override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        visitor.Visit(new AdamaxRule(context, Beta1, Beta2, Eps));
}

/// <summary>One step of Adamax: slot 0 is m, slot 1 the infinity norm u.</summary>
public readonly struct AdamaxRule(StepContext context, double beta1, double beta2, double eps) : IElementRule
{
    private readonly double stepSize = context.LearningRate / (1 - Math.Pow(beta1, context.Step));
    private readonly double weightDecay = context.WeightDecay, beta1 = beta1, beta2 = beta2, eps = eps;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void IElementRule.Apply<T>(ref T parameter, T gradient, ref T m, ref T u, ref T unused)
    {
        if (weightDecay != 0) gradient += T.Broadcast(weightDecay) * parameter;
        m = T.Broadcast(beta1) * m + T.Broadcast(1 - beta1) * gradient;
        u = T.Max(T.Broadcast(beta2) * u, T.Abs(gradient) + T.Broadcast(eps));
        parameter -= T.Broadcast(stepSize) * m / u;
    }

    T IElementRule.EffectiveLearningRate<T>(T m, T u, T unused) => T.Broadcast(stepSize) / u;
}

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>AdaBelief's hyperparameters (the authors' defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-16).</summary>
public sealed record AdaBeliefHyperparameters(double Lr = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-16, double WeightDecay = 0)
    : Hyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations (torch.optim's semantics where it has the algorithm), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        AdaBelief — Zhuang et al., "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed
        Gradients", NeurIPS 2020, Algorithm 2: Adam with the second moment of g − m (the "belief") in
        place of g², eps added inside the average too; decoupled weight decay as in the authors' code.

          θ ← θ(1 − lr·λ)
          m ← β₁m + (1 − β₁)g
          s ← β₂s + (1 − β₂)(g − m)² + ε
          θ ← θ − lr/(1 − β₁ᵗ) · m / (√(s/(1 − β₂ᵗ)) + ε)
        """;

    private static readonly ImmutableArray<StateSlot?> Layout2 = [new StateSlot("m"), new StateSlot("s", NonNegative: true), null];

    /// <inheritdoc/>
    public override string Algorithm => "adabelief";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Layout2;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with { Lr = s.Lr ?? Lr, Beta1 = s.Beta1 ?? Beta1, Beta2 = s.Beta2 ?? Beta2, Eps = s.Eps ?? Eps, WeightDecay = s.WeightDecay ?? WeightDecay };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() => AdamSlots.Validate(Lr, Beta1, Beta2, Eps, WeightDecay);

    /// <inheritdoc/>
    public override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        visitor.Visit(new AdaBeliefRule(context, Beta1, Beta2, Eps));
}

/// <summary>One step of AdaBelief: slot 0 is m, slot 1 the belief s.</summary>
public readonly struct AdaBeliefRule(StepContext context, double beta1, double beta2, double eps) : IElementRule
{
    private readonly double stepSize = context.LearningRate / (1 - Math.Pow(beta1, context.Step));
    private readonly double inverseBiasCorrection2 = 1 / (1 - Math.Pow(beta2, context.Step));
    private readonly double decayFactor = 1 - context.LearningRate * context.WeightDecay, beta1 = beta1, beta2 = beta2, eps = eps;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void IElementRule.Apply<T>(ref T parameter, T gradient, ref T m, ref T s, ref T unused)
    {
        if (decayFactor != 1) parameter *= T.Broadcast(decayFactor);
        m = T.Broadcast(beta1) * m + T.Broadcast(1 - beta1) * gradient;
        T surprise = gradient - m;
        s = T.Broadcast(beta2) * s + T.Broadcast(1 - beta2) * surprise * surprise + T.Broadcast(eps);
        parameter -= T.Broadcast(stepSize) * m / (T.Sqrt(s * T.Broadcast(inverseBiasCorrection2)) + T.Broadcast(eps));
    }

    T IElementRule.EffectiveLearningRate<T>(T m, T s, T unused) =>
        T.Broadcast(stepSize) / (T.Sqrt(s * T.Broadcast(inverseBiasCorrection2)) + T.Broadcast(eps));
}

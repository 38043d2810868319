using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>Lion's hyperparameters (the paper's defaults: lr 1e-4, betas (0.9, 0.99); weight decay 0).</summary>
public sealed record LionHyperparameters(double Lr = 1e-4, double Beta1 = 0.9, double Beta2 = 0.99, double WeightDecay = 0) : Hyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations (torch.optim's semantics where it has the algorithm), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Lion — Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023, Program 1:
        the update is the sign of an interpolation, so every coordinate moves by exactly lr.

          c ← β₁m + (1 − β₁)g
          θ ← θ(1 − lr·λ) − lr·sign(c)          (decoupled weight decay)
          m ← β₂m + (1 − β₂)g
        """;

    // m is a slow average (β₂ = 0.99): rounded to nearest on compressed state's fixed grid, an increment below half a code step is
    // lost every step and m stops following the gradient, so it is rounded stochastically (StateCodec).
    private static readonly ImmutableArray<StateSlot?> Layout1 = [new StateSlot("m") { Rounding = StateRounding.Stochastic }, null, null];

    /// <inheritdoc/>
    public override string Algorithm => "lion";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Layout1;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with { Lr = s.Lr ?? Lr, Beta1 = s.Beta1 ?? Beta1, Beta2 = s.Beta2 ?? Beta2, WeightDecay = s.WeightDecay ?? WeightDecay };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            Allowed.Positive("lr", Lr),
            Allowed.DecayRate("beta1", Beta1),
            Allowed.DecayRate("beta2", Beta2),
            Allowed.NonNegative("weight_decay", WeightDecay));

    /// <inheritdoc/>
    public override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        visitor.Visit(new LionRule(context, Beta1, Beta2));
}

/// <summary>One step of Lion: slot 0 is m.</summary>
public readonly struct LionRule(StepContext context, double beta1, double beta2) : IElementRule
{
    private readonly double lr = context.LearningRate, decayFactor = 1 - context.LearningRate * context.WeightDecay;
    private readonly double beta1 = beta1, beta2 = beta2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void IElementRule.Apply<T>(ref T parameter, T gradient, ref T m, ref T unused1, ref T unused2)
    {
        T interpolation = T.Broadcast(beta1) * m + T.Broadcast(1 - beta1) * gradient;
        if (decayFactor != 1) parameter *= T.Broadcast(decayFactor);
        parameter -= T.Broadcast(lr) * T.Sign(interpolation);
        m = T.Broadcast(beta2) * m + T.Broadcast(1 - beta2) * gradient;
    }

    T IElementRule.EffectiveLearningRate<T>(T m, T unused1, T unused2) => T.Broadcast(lr);
}

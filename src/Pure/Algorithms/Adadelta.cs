using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>Adadelta's hyperparameters (torch.optim.Adadelta defaults: lr 1, rho 0.9, eps 1e-6).</summary>
public sealed record AdadeltaHyperparameters(double Lr = 1.0, double Rho = 0.9, double Eps = 1e-6, double WeightDecay = 0) : Hyperparameters
{
    /// <summary>The paper and the update equations (torch.optim's semantics where it has the algorithm), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Adadelta — Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012, Algorithm 1, with
        torch.optim.Adadelta's semantics (an lr multiplies the update; eps inside both square roots):

          g  ← g + λθ                                  (weight decay, when λ > 0)
          s  ← ρs + (1 − ρ)g²
          Δ  = √(u + ε) / √(s + ε) · g
          u  ← ρu + (1 − ρ)Δ²
          θ  ← θ − lr·Δ
        """;

    private static readonly ImmutableArray<StateSlot?> Layout2 = [new StateSlot("square_avg", NonNegative: true), new StateSlot("acc_delta", NonNegative: true), null];

    /// <inheritdoc/>
    public override string Algorithm => "adadelta";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Layout2;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with { Lr = s.Lr ?? Lr, Rho = s.Rho ?? Rho, Eps = s.Eps ?? Eps, WeightDecay = s.WeightDecay ?? WeightDecay };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            Allowed.Positive("lr", Lr),
            Allowed.DecayRate("rho", Rho),
            Allowed.Positive("eps", Eps),
            Allowed.NonNegative("weight_decay", WeightDecay));

    /// <inheritdoc/>
    public override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        visitor.Visit(new AdadeltaRule(context, Rho, Eps));
}

/// <summary>One step of Adadelta: slot 0 is square_avg, slot 1 acc_delta.</summary>
public readonly struct AdadeltaRule(StepContext context, double rho, double eps) : IElementRule
{
    private readonly double lr = context.LearningRate, weightDecay = context.WeightDecay, rho = rho, eps = eps;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void IElementRule.Apply<T>(ref T parameter, T gradient, ref T squareAvg, ref T accDelta, ref T unused)
    {
        if (weightDecay != 0) gradient += T.Broadcast(weightDecay) * parameter;
        squareAvg = T.Broadcast(rho) * squareAvg + T.Broadcast(1 - rho) * gradient * gradient;
        // √(u + ε)/√(s + ε) as one root of the quotient: one square root per element instead of two (the
        // roots and the division were what bounded the step in cache); within about an ulp of torch's order.
        T delta = T.Sqrt((accDelta + T.Broadcast(eps)) / (squareAvg + T.Broadcast(eps))) * gradient;
        accDelta = T.Broadcast(rho) * accDelta + T.Broadcast(1 - rho) * delta * delta;
        parameter -= T.Broadcast(lr) * delta;
    }

    T IElementRule.EffectiveLearningRate<T>(T squareAvg, T accDelta, T unused) =>
        T.Broadcast(lr) * T.Sqrt((accDelta + T.Broadcast(eps)) / (squareAvg + T.Broadcast(eps)));
}

using System.Runtime.CompilerServices;
using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>Adagrad's hyperparameters (torch.optim.Adagrad defaults: lr 1e-2, eps 1e-10).</summary>
public sealed record AdagradHyperparameters(
    double Lr = 1e-2,
    double LrDecay = 0,
    double WeightDecay = 0,
    double InitialAccumulatorValue = 0,
    double Eps = 1e-10) : Hyperparameters
{
    /// <summary>The paper and the update equations (torch.optim's semantics where it has the algorithm), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Adagrad — Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online Learning and
        Stochastic Optimization", JMLR 2011, with torch.optim.Adagrad's semantics:

          g   ← g + λθ                          (weight decay, when λ > 0)
          lrₜ = lr / (1 + (t − 1)·lr_decay)
          s   ← s + g²                          (s starts at initial_accumulator_value)
          θ   ← θ − lrₜ · g / (√s + ε)
        """;

    /// <inheritdoc/>
    public override string Algorithm => "adagrad";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Layout(new StateSlot("sum", InitialAccumulatorValue, NonNegative: true));

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            LrDecay = s.LrDecay ?? LrDecay,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            InitialAccumulatorValue = s.InitialAccumulatorValue ?? InitialAccumulatorValue,
            Eps = s.Eps ?? Eps
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            Allowed.Positive("lr", Lr),
            Allowed.NonNegative("lr_decay", LrDecay),
            Allowed.NonNegative("weight_decay", WeightDecay),
            Allowed.NonNegative("initial_accumulator_value", InitialAccumulatorValue),
            Allowed.Positive("eps", Eps));

    /// <inheritdoc/>
    public override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        visitor.Visit(new AdagradRule(context, LrDecay, Eps));
}

/// <summary>One step of Adagrad: slot 0 is the sum of squared gradients.</summary>
public readonly struct AdagradRule(StepContext context, double lrDecay, double eps) : IElementRule
{
    private readonly double decayedLr = context.LearningRate / (1 + (context.Step - 1) * lrDecay);
    private readonly double weightDecay = context.WeightDecay, eps = eps;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void IElementRule.Apply<T>(ref T parameter, T gradient, ref T sum, ref T unused1, ref T unused2)
    {
        if (weightDecay != 0) gradient += T.Broadcast(weightDecay) * parameter;
        sum += gradient * gradient;
        parameter -= T.Broadcast(decayedLr) * gradient / (T.Sqrt(sum) + T.Broadcast(eps));
    }

    T IElementRule.EffectiveLearningRate<T>(T sum, T unused1, T unused2) =>
        T.Broadcast(decayedLr) / (T.Sqrt(sum) + T.Broadcast(eps));
}

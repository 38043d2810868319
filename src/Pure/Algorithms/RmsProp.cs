using System.Runtime.CompilerServices;
using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>RMSProp's hyperparameters (torch.optim.RMSprop defaults: lr 1e-2, alpha 0.99).</summary>
public sealed record RmsPropHyperparameters(
    double Lr = 1e-2,
    double Alpha = 0.99,
    double Eps = 1e-8,
    double WeightDecay = 0,
    double Momentum = 0,
    bool Centered = false) : Hyperparameters, IMomentumHyperparameters
{
    /// <summary>The paper and the update equations (torch.optim's semantics where it has the algorithm), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        RMSProp — Tieleman & Hinton, Coursera "Neural Networks for Machine Learning", lecture 6.5 (2012);
        the centered form from Graves, "Generating Sequences With Recurrent Neural Networks", 2013;
        with torch.optim.RMSprop's semantics (averages start at 0, eps outside the square root):

          g ← g + λθ                                   (weight decay, when λ > 0)
          s ← αs + (1 − α)g²
          ḡ ← αḡ + (1 − α)g                            (centered only)
          d ← √(s − ḡ²) + ε  (centered) | √s + ε
          b ← μb + g/d;  θ ← θ − lr·b                   (momentum μ > 0)
          θ ← θ − lr·g/d                                (otherwise)
        """;

    /// <inheritdoc/>
    public override string Algorithm => "rmsprop";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots =>
        Layout(new StateSlot("square_avg", NonNegative: true),
               Momentum > 0 ? new StateSlot("momentum_buffer") : null,
               Centered ? new StateSlot("grad_avg") : null);

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Alpha = s.Alpha ?? Alpha,
            Eps = s.Eps ?? Eps,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            Momentum = s.Momentum ?? Momentum,
            Centered = s.Centered ?? Centered
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            Allowed.Positive("lr", Lr),
            Allowed.DecayRate("alpha", Alpha),
            Allowed.Positive("eps", Eps),
            Allowed.NonNegative("weight_decay", WeightDecay),
            Allowed.NonNegative("momentum", Momentum));

    /// <inheritdoc/>
    public override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        visitor.Visit(new RmsPropRule(context, Alpha, Eps, Momentum, Centered));
}

/// <summary>One step of RMSProp: slot 0 is square_avg, slot 1 the momentum buffer, slot 2 grad_avg.</summary>
public readonly struct RmsPropRule(StepContext context, double alpha, double eps, double momentum, bool centered) : IElementRule
{
    private readonly double lr = context.LearningRate, weightDecay = context.WeightDecay;
    private readonly double alpha = alpha, eps = eps, momentum = momentum;
    private readonly bool centered = centered;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void IElementRule.Apply<T>(ref T parameter, T gradient, ref T squareAvg, ref T buffer, ref T gradAvg)
    {
        if (weightDecay != 0) gradient += T.Broadcast(weightDecay) * parameter;
        squareAvg = T.Broadcast(alpha) * squareAvg + T.Broadcast(1 - alpha) * gradient * gradient;
        if (centered) gradAvg = T.Broadcast(alpha) * gradAvg + T.Broadcast(1 - alpha) * gradient;
        T scaled = gradient / Denominator<T>(squareAvg, gradAvg);
        if (momentum > 0)
        {
            buffer = T.Broadcast(momentum) * buffer + scaled;
            scaled = buffer;
        }
        parameter -= T.Broadcast(lr) * scaled;
    }

    T IElementRule.EffectiveLearningRate<T>(T squareAvg, T buffer, T gradAvg) =>
        T.Broadcast(lr) / Denominator<T>(squareAvg, gradAvg);

    private T Denominator<T>(T squareAvg, T gradAvg)
        where T : struct, Numerics.ILane<T> =>
        T.Sqrt(centered ? squareAvg - gradAvg * gradAvg : squareAvg) + T.Broadcast(eps);
}

using System.Runtime.CompilerServices;
using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>SGD's hyperparameters (torch.optim.SGD defaults; torch has no default lr, 1e-3 here).</summary>
public sealed record SgdHyperparameters(
    double Lr = 1e-3,
    double Momentum = 0,
    double Dampening = 0,
    double WeightDecay = 0,
    bool Nesterov = false) : Hyperparameters, IMomentumHyperparameters
{
    /// <summary>The paper and the update equations (torch.optim's semantics where it has the algorithm), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Stochastic gradient descent with momentum (Polyak 1964; Sutskever et al., ICML 2013 for the
        Nesterov form), with torch.optim.SGD's semantics: the buffer starts as the first gradient.

          g ← g + λθ                                          (weight decay, when λ > 0)
          b ← g                       at t = 1                 (when μ > 0)
          b ← μb + (1 − dampening)g   at t > 1
          d ← g + μb (Nesterov) | b (momentum) | g (plain)
          θ ← θ − lr·d
        """;

    private static readonly ImmutableArray<StateSlot?> WithMomentum = [new StateSlot("momentum_buffer"), null, null];
    private static readonly ImmutableArray<StateSlot?> Stateless = [null, null, null];

    /// <inheritdoc/>
    public override string Algorithm => "sgd";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Momentum != 0 ? WithMomentum : Stateless;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Momentum = s.Momentum ?? Momentum,
            Dampening = s.Dampening ?? Dampening,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            Nesterov = s.Nesterov ?? Nesterov
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            Allowed.Positive("lr", Lr),
            Allowed.NonNegative("momentum", Momentum),
            Allowed.Fraction("dampening", Dampening),
            Allowed.NonNegative("weight_decay", WeightDecay),
            Nesterov && (Momentum <= 0 || Dampening != 0)
                ? new ValidationError("nesterov", "requires momentum > 0 and dampening = 0")
                : null);

    /// <inheritdoc/>
    public override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        visitor.Visit(new SgdRule(context, Momentum, Dampening, Nesterov));
}

/// <summary>One step of SGD: slot 0 is the momentum buffer.</summary>
public readonly struct SgdRule(StepContext context, double momentum, double dampening, bool nesterov) : IElementRule
{
    private readonly double lr = context.LearningRate, weightDecay = context.WeightDecay, momentum = momentum;
    private readonly bool nesterov = nesterov;

    // At t = 1 the buffer (zero) is replaced by the gradient: weight 0 on the old buffer, 1 on g.
    private readonly double bufferDecay = context.Step == 1 ? 0 : momentum;
    private readonly double gradientWeight = context.Step == 1 ? 1 : 1 - dampening;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void IElementRule.Apply<T>(ref T parameter, T gradient, ref T buffer, ref T unused1, ref T unused2)
    {
        if (weightDecay != 0) gradient += T.Broadcast(weightDecay) * parameter;
        if (momentum != 0)
        {
            buffer = T.Broadcast(bufferDecay) * buffer + T.Broadcast(gradientWeight) * gradient;
            gradient = nesterov ? gradient + T.Broadcast(momentum) * buffer : buffer;
        }
        parameter -= T.Broadcast(lr) * gradient;
    }

    T IElementRule.EffectiveLearningRate<T>(T buffer, T unused1, T unused2) => T.Broadcast(lr);
}

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>Rprop's hyperparameters (torch.optim.Rprop's defaults: lr 0.01, etas (0.5, 1.2), step_sizes (1e-6, 50)).</summary>
public sealed record RpropHyperparameters(
    double Lr = 0.01,
    double Etaminus = 0.5,
    double Etaplus = 1.2,
    double StepSizeMin = 1e-6,
    double StepSizeMax = 50) : StagedHyperparameters
{
    /// <summary>The paper and the update equations, as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Rprop — Riedmiller & Braun, "A Direct Adaptive Method for Faster Backpropagation Learning:
        The RPROP Algorithm", ICNN 1993, with torch.optim.Rprop's semantics (torch 1.13): each
        element has its own step size, grown while the gradient keeps its sign and shrunk when it
        flips; only the sign of the gradient moves the parameter. A full-batch method: with noisy
        minibatch gradients the signs flip often and the step sizes shrink.

          s ← sign(g·g_prev)
          δ ← clamp(δ·(η₊ if s > 0, η₋ if s < 0, 1 if s = 0), δ_min, δ_max)     (δ starts at lr)
          g ← 0 where s < 0                          (no move after a sign flip, and no flip next time)
          θ ← θ − sign(g)·δ
          g_prev ← g

        State: prev (g_prev), step_size (δ). lr only sets δ at the first step: later learning-rate
        changes (schedulers) do not act, as in torch. No weight decay. The effective learning rate
        shown is δ, the distance an element moves per step (it stays put at a step where its sign flipped).
        """;

    // step_size starts at 0 and takes the lr of the first step then (so that groups with other learning rates share the layout).
    private static readonly ImmutableArray<StateSlot?> PrevAndStepSize = [new StateSlot("prev"), new StateSlot("step_size")];

    /// <inheritdoc/>
    public override string Algorithm => "rprop";

    /// <summary>Rprop has no weight decay (torch's neither); always 0.</summary>
    public override double WeightDecay { get; init; }

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => PrevAndStepSize;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Etaminus = s.Etaminus ?? Etaminus,
            Etaplus = s.Etaplus ?? Etaplus,
            StepSizeMin = s.StepSizeMin ?? StepSizeMin,
            StepSizeMax = s.StepSizeMax ?? StepSizeMax,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            Allowed.Positive("lr", Lr),
            Allowed.Require(Etaminus is > 0 and < 1, "etaminus", Etaminus, "a number in (0, 1)"),
            Allowed.Require(double.IsFinite(Etaplus) && Etaplus > 1, "etaplus", Etaplus, "a finite number > 1"),
            Allowed.NonNegative("step_size_min", StepSizeMin),
            Allowed.Require(double.IsFinite(StepSizeMax) && StepSizeMax > 0 && StepSizeMax >= StepSizeMin, "step_size_max", StepSizeMax,
                            $"a finite number > 0 and >= step_size_min ({StepSizeMin.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})"));

    /// <inheritdoc/>
    protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor) =>
        visitor.Visit(new RpropRule(inputs.Context, Etaminus, Etaplus, StepSizeMin, StepSizeMax));
}

/// <summary>One step of Rprop: slot 0 is the previous (zeroed after a flip) gradient, slot 1 the step size.</summary>
public readonly struct RpropRule(StepContext context, double etaminus, double etaplus, double stepSizeMin, double stepSizeMax) : ISlotRule
{
    // torch fills the step sizes with the group's lr when the state is created, at the first step.
    private readonly double? initialStepSize = context.Step == 1 ? context.LearningRate : null;
    private readonly double etaminus = etaminus, etaplus = etaplus, stepSizeMin = stepSizeMin, stepSizeMax = stepSizeMax;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>
    {
        // Every broadcast before the first branch, so that the kernel's loop computes them once (see ISlotRule).
        T initial = T.Broadcast(initialStepSize ?? 0), increase = T.Broadcast(etaplus), decrease = T.Broadcast(etaminus), one = T.Broadcast(1);
        T smallest = T.Broadcast(stepSizeMin), largest = T.Broadcast(stepSizeMax), zero = T.Broadcast(0);
        ref T previous = ref state[0];
        ref T stepSize = ref state[1];
        if (initialStepSize is not null) stepSize = initial;
        T agreement = gradient * previous;
        T factor = T.WherePositive(agreement, increase, T.WherePositive(-agreement, decrease, one));
        stepSize = T.Min(T.Max(stepSize * factor, smallest), largest);
        gradient = T.WherePositive(-agreement, zero, gradient);
        parameter -= T.Sign(gradient) * stepSize;
        previous = gradient;
    }

    /// <inheritdoc/>
    public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> => state[1];
}

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>ASGD's hyperparameters (torch.optim.ASGD's defaults: lr 0.01, lambd 1e-4, alpha 0.75, t0 1e6, weight decay 0).</summary>
public sealed record AsgdHyperparameters(
    double Lr = 0.01,
    double Lambd = 1e-4,
    double Alpha = 0.75,
    double T0 = 1e6,
    double WeightDecay = 0) : StagedHyperparameters
{
    /// <summary>The paper and the update equations, as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Averaged SGD — Polyak & Juditsky, "Acceleration of Stochastic Approximation by Averaging",
        SIAM J. Control Optim. 1992, with the step-size schedule of Bottou 2012 ("Stochastic Gradient
        Descent Tricks") and torch.optim.ASGD's semantics (torch 1.13): SGD with a decaying step
        size ηₜ and a shrinking of the weights, plus the running average ax of the iterates from
        step t0 on (ax is what ASGD is evaluated at; the parameters keep the SGD iterate).

          g ← g + λ_wd·θ                                   (weight decay, when λ_wd > 0)
          θ ← θ·(1 − λ·η);  θ ← θ − η·g
          ax ← θ if μ = 1, else ax + μ·(θ − ax)
          after step t:  η ← lr/(1 + λ·lr·t)^α,  μ ← 1/max(1, t − t0)   (used at step t + 1; η = lr, μ = 1 at step 1)

        State: ax per element; eta and mu are group scalars (torch keeps them per parameter, equal
        within a group), computed with the learning rate of the step that sets them, as in torch.
        The effective learning rate shown is η of the step.
        """;

    /// <inheritdoc/>
    public override string Algorithm => "asgd";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots { get; } = [new StateSlot("ax")];

    /// <inheritdoc/>
    public override GroupScalars InitialScalars => GroupScalars.Of(("eta", Lr), ("mu", 1));

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Lambd = s.Lambd ?? Lambd,
            Alpha = s.Alpha ?? Alpha,
            T0 = s.T0 ?? T0,
            WeightDecay = s.WeightDecay ?? WeightDecay,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            Allowed.Positive("lr", Lr),
            Allowed.NonNegative("lambd", Lambd),
            Allowed.NonNegative("alpha", Alpha),
            Allowed.NonNegative("t0", T0),
            Allowed.NonNegative("weight_decay", WeightDecay));

    /// <summary>η and μ for the next step, from this step's number and learning rate.</summary>
    public override GroupScalars Advance(StepContext context, GroupScalars scalars, ReadOnlySpan<double> groupSums)
    {
        double lr = context.LearningRate, step = context.Step;
        return scalars.With("eta", lr / Math.Pow(1 + Lambd * lr * step, Alpha)).With("mu", 1 / Math.Max(1, step - T0));
    }

    /// <inheritdoc/>
    protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor)
    {
        bool first = inputs.Context.Step == 1;
        double eta = first ? inputs.Context.LearningRate : inputs.Before["eta"];
        double mu = first ? 1 : inputs.Before["mu"];
        return visitor.Visit(new AsgdRule(eta, mu, Lambd, inputs.Context.WeightDecay));
    }
}

/// <summary>One step of ASGD with the step's η and μ: slot 0 is the average ax.</summary>
public readonly struct AsgdRule(double eta, double mu, double lambd, double weightDecay) : ISlotRule
{
    private readonly double eta = eta, mu = mu, shrink = 1 - lambd * eta, weightDecay = weightDecay;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>
    {
        // Every broadcast before the first branch, so that the kernel's loop computes them once (see ISlotRule).
        T decay = T.Broadcast(weightDecay), shrinkage = T.Broadcast(shrink), step = T.Broadcast(-eta), averaging = T.Broadcast(mu);
        if (weightDecay != 0) gradient += decay * parameter;
        parameter *= shrinkage;
        parameter += step * gradient;
        ref T average = ref state[0];
        average = mu == 1 ? parameter : average + (parameter - average) * averaging;
    }

    /// <inheritdoc/>
    public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> => T.Broadcast(eta);
}

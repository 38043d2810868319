using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// Adan's hyperparameters, with the authors' code's defaults (sail-sg/Adan: lr 1e-3, betas (0.98, 0.92, 0.99),
/// eps 1e-8, no weight decay, no clipping). The betas are the moving averages' factors, 1 − the paper's β.
/// </summary>
public sealed record AdanHyperparameters(
    double Lr = 1e-3, double Beta1 = 0.98, double Beta2 = 0.92, double Beta3 = 0.99, double Eps = 1e-8,
    double WeightDecay = 0, double MaxGradNorm = 0, bool NoProx = false)
    : StagedHyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations (the authors' code's semantics), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Adan — Xie, Zhou, Li, Lin & Yan, "Adan: Adaptive Nesterov Momentum Algorithm for Faster
        Optimizing Deep Models", TPAMI 2024 (arXiv 2208.06677), Algorithm 1, with the authors' code's
        semantics (sail-sg/Adan, adan.py): β₁, β₂, β₃ are the averages' factors (the paper's 1 − β).

          c  = min(1, max_grad_norm/(‖g‖₂ + ε))  over the group's gradients (1 when max_grad_norm = 0)
          g  ← c·g;   g₀ = g at a tensor's first step (so its first difference is 0)
          m  ← β₁m + (1 − β₁)g                               (exp_avg)
          d  ← β₂d + (1 − β₂)(g − gₚ)                        (exp_avg_diff; gₚ: last step's g)
          n  ← β₃n + (1 − β₃)(g + β₂(g − gₚ))²                (exp_avg_sq)
          η  = 1/(√n/√(1 − β₃ᵗ) + ε)
          θ  ← θ − lr·η·(m/(1 − β₁ᵗ) + β₂·d/(1 − β₂ᵗ))
          θ  ← θ/(1 + lr·λ)       (proximal decay; no_prox: θ ← θ(1 − lr·λ) before the update)
          −gₚ ← −g                                             (neg_pre_grad)

        t is the group's step count (scalar step); clip_global_grad_norm is c of the last step.
        Effective learning rate shown: lr/(1 − β₁ᵗ)·η, the factor on m (d's factor is
        lr·β₂/(1 − β₂ᵗ)·η). The gradient norm is taken over the parameter group (the reference's over
        all groups: the same with one group).
        """;

    private static readonly ImmutableArray<StateSlot?> Layout4 =
        [new StateSlot("exp_avg"), new StateSlot("exp_avg_sq"), new StateSlot("exp_avg_diff"), new StateSlot("neg_pre_grad")];

    /// <inheritdoc/>
    public override string Algorithm => "adan";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Layout4;

    /// <summary>One sum, ‖g‖², when the gradient is clipped by its norm; no reduction pass otherwise.</summary>
    public override int SumCount => MaxGradNorm > 0 ? 1 : 0;

    /// <inheritdoc/>
    public override GroupScalars InitialScalars { get; } = GroupScalars.Of(("step", 0), ("clip_global_grad_norm", 1));

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Beta1 = s.Beta1 ?? Beta1,
            Beta2 = s.Beta2 ?? Beta2,
            Beta3 = s.Beta3 ?? Beta3,
            Eps = s.Eps ?? Eps,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            MaxGradNorm = s.MaxGradNorm ?? MaxGradNorm,
            NoProx = s.NoProx ?? NoProx,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            Allowed.Positive("lr", Lr),
            Allowed.DecayRate("beta1", Beta1),
            Allowed.DecayRate("beta2", Beta2),
            Allowed.DecayRate("beta3", Beta3),
            Allowed.Positive("eps", Eps),
            Allowed.NonNegative("weight_decay", WeightDecay),
            Allowed.NonNegative("max_grad_norm", MaxGradNorm));

    /// <inheritdoc/>
    public override GroupScalars Advance(StepContext context, GroupScalars scalars, ReadOnlySpan<double> groupSums)
    {
        double clip = MaxGradNorm > 0 ? Math.Min(1, MaxGradNorm / (Math.Sqrt(groupSums[0]) + Eps)) : 1;
        return scalars.With("step", scalars["step"] + 1).With("clip_global_grad_norm", clip);
    }

    /// <inheritdoc/>
    protected override TResult WithReductionRule<TVisitor, TResult>(StepContext context, GroupScalars scalars, ref TVisitor visitor) =>
        visitor.Visit(new SquaredGradientNorm());

    /// <inheritdoc/>
    protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor)
    {
        long step = (long)inputs.After["step"];
        // A tensor's first step (also one that joins the group later) starts its difference at 0, as the reference's missing neg_pre_grad.
        bool first = step == 1 || inputs.Context.Step == 1;
        return visitor.Visit(new AdanRule(inputs.Context, step, Beta1, Beta2, Beta3, Eps, NoProx, inputs.After["clip_global_grad_norm"], first));
    }
}

/// <summary>Adan's reduction: ‖g‖² of a tensor, for the group's clipping factor.</summary>
public readonly struct SquaredGradientNorm : IReductionRule
{
    /// <inheritdoc/>
    public int SlotsTouched => 0;

    /// <inheritdoc/>
    public int SlotsWritten => 0;

    /// <inheritdoc/>
    public bool ReadsParameter => false;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Accumulate<T>(T parameter, T gradient, ref Lanes<T> state, ref Lanes<T> sums) where T : unmanaged, ILane<T> =>
        sums[0] += gradient * gradient;
}

/// <summary>One step of Adan: slot 0 is exp_avg (m), 1 exp_avg_sq (n), 2 exp_avg_diff (d), 3 neg_pre_grad (−gₚ).</summary>
public readonly struct AdanRule : ISlotRule
{
    private readonly double stepSize, diffStepSize, inverseBiasCorrection3Sqrt, beta1, beta2, beta3, eps, clip;
    private readonly double decayFactor, proximalDivisor;
    private readonly bool first;

    /// <summary>The rule of group step <paramref name="step"/> with clipping factor <paramref name="clip"/>; <paramref name="first"/> for a tensor's first step.</summary>
    public AdanRule(StepContext context, long step, double beta1, double beta2, double beta3, double eps, bool noProx, double clip, bool first)
    {
        double lr = context.LearningRate, decay = lr * context.WeightDecay;
        stepSize = lr / (1 - Math.Pow(beta1, step));
        diffStepSize = lr * beta2 / (1 - Math.Pow(beta2, step));
        inverseBiasCorrection3Sqrt = 1 / Math.Sqrt(1 - Math.Pow(beta3, step));
        (this.beta1, this.beta2, this.beta3, this.eps, this.clip, this.first) = (beta1, beta2, beta3, eps, clip, first);
        (decayFactor, proximalDivisor) = noProx ? (1 - decay, 1.0) : (1.0, 1 + decay);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>
    {
        // Every broadcast before the first branch, so that the kernel's loop computes them once (see ISlotRule).
        T clipFactor = T.Broadcast(clip), keep1 = T.Broadcast(beta1), mix1 = T.Broadcast(1 - beta1), keep2 = T.Broadcast(beta2);
        T mix2 = T.Broadcast(1 - beta2), keep3 = T.Broadcast(beta3), mix3 = T.Broadcast(1 - beta3);
        T correction3 = T.Broadcast(inverseBiasCorrection3Sqrt), epsilon = T.Broadcast(eps), decay = T.Broadcast(decayFactor);
        T step = T.Broadcast(stepSize), diffStep = T.Broadcast(diffStepSize), proximal = T.Broadcast(proximalDivisor);
        if (clip != 1) gradient *= clipFactor;
        T negativePrevious = first ? -gradient : state[3];
        T difference = gradient + negativePrevious;
        T m = state[0] = keep1 * state[0] + mix1 * gradient;
        T d = state[2] = keep2 * state[2] + mix2 * difference;
        T nesterov = difference * keep2 + gradient;
        T n = state[1] = keep3 * state[1] + mix3 * nesterov * nesterov;
        T denominator = T.Sqrt(n) * correction3 + epsilon;
        if (decayFactor != 1) parameter *= decay;
        parameter -= (step * m + diffStep * d) / denominator;
        if (proximalDivisor != 1) parameter /= proximal;
        state[3] = -gradient;
    }

    /// <inheritdoc/>
    public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> =>
        T.Broadcast(stepSize) / (T.Sqrt(state[1]) * T.Broadcast(inverseBiasCorrection3Sqrt) + T.Broadcast(eps));
}

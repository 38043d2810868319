using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// ADOPT's hyperparameters, with the authors' code's defaults (iShohei220/adopt: lr 1e-3, betas (0.9, 0.9999),
/// eps 1e-6, the normalised gradient clipped at t^¼, L2 weight decay unless <c>decouple</c>).
/// </summary>
public sealed record AdoptHyperparameters(
    double Lr = 1e-3, double Beta1 = 0.9, double Beta2 = 0.9999, double Eps = 1e-6, double WeightDecay = 0,
    bool Decouple = false, bool UseClipping = true)
    : StagedHyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations (the authors' code's semantics), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        ADOPT — Taniguchi, Harada, Minegishi, Oshima, Jeong, Nagahara, Iiyama, Suzuki, Iwasawa & Matsuo,
        "ADOPT: Modified Adam Can Converge with Any β₂ with the Optimal Rate", NeurIPS 2024,
        Algorithm 2 with the authors' code's clipping (iShohei220/adopt, adopt.py): the gradient is
        normalised by the second moment of the PREVIOUS steps, then averaged.

          g  ← g + λθ                        (L2 weight decay, when λ > 0 and not decouple)
          t = 1:  v ← g²;  θ and m unchanged
          t > 1:  θ ← θ(1 − lr·λ)            (decouple)
                  u  = g / max(√v, ε)
                  u  ← clamp(u, −(t − 1)^¼, (t − 1)^¼)     (use_clipping)
                  m  ← β₁m + (1 − β₁)u        (exp_avg)
                  θ  ← θ − lr·m
                  v  ← β₂v + (1 − β₂)g²        (exp_avg_sq, after its use)

        Effective learning rate shown: lr/max(√v, ε) with v after the step, the factor the next
        gradient is divided by (0 at step 1, which moves nothing).
        """;

    private static readonly ImmutableArray<StateSlot?> Layout2 = [new StateSlot("exp_avg"), new StateSlot("exp_avg_sq")];

    /// <inheritdoc/>
    public override string Algorithm => "adopt";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Layout2;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Beta1 = s.Beta1 ?? Beta1,
            Beta2 = s.Beta2 ?? Beta2,
            Eps = s.Eps ?? Eps,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            Decouple = s.Decouple ?? Decouple,
            UseClipping = s.UseClipping ?? UseClipping,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() => AdamSlots.Validate(Lr, Beta1, Beta2, Eps, WeightDecay);

    /// <summary>The bound of the normalised gradient at step <paramref name="step"/> (1-based): (t − 1)^¼, the reference's clip_lambda of its step count before the step.</summary>
    public static double ClipBound(long step) => Math.Pow(step - 1, 0.25);

    /// <inheritdoc/>
    protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor) =>
        visitor.Visit(new AdoptRule(inputs.Context, Beta1, Beta2, Eps, Decouple, UseClipping ? ClipBound(inputs.Context.Step) : double.PositiveInfinity));
}

/// <summary>One step of ADOPT: slot 0 is exp_avg (m), slot 1 exp_avg_sq (v).</summary>
public readonly struct AdoptRule : ISlotRule
{
    private readonly double lr, beta1, beta2, eps, clip, l2WeightDecay, decayFactor;
    private readonly bool first, clipped;

    /// <summary>The rule of one step; <paramref name="clip"/> bounds |g/max(√v, ε)| (∞: no clipping).</summary>
    public AdoptRule(StepContext context, double beta1, double beta2, double eps, bool decouple, double clip)
    {
        double decay = context.WeightDecay;
        (lr, this.beta1, this.beta2, this.eps, this.clip) = (context.LearningRate, beta1, beta2, eps, clip);
        (l2WeightDecay, decayFactor) = decouple ? (0.0, 1 - context.LearningRate * decay) : (decay, 1.0);
        first = context.Step == 1;
        clipped = double.IsFinite(clip);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>
    {
        // Every broadcast before the first branch, so that the kernel's loop computes them once (see ISlotRule).
        T l2 = T.Broadcast(l2WeightDecay), decay = T.Broadcast(decayFactor), epsilon = T.Broadcast(eps), negativeClip = T.Broadcast(-clip);
        T averaging = T.Broadcast(1 - beta1), step = T.Broadcast(lr), keep2 = T.Broadcast(beta2), mix2 = T.Broadcast(1 - beta2);
        if (l2WeightDecay != 0) gradient += l2 * parameter;
        T squared = gradient * gradient;
        if (first)
        {
            state[1] += squared;
            return;
        }
        if (decayFactor != 1) parameter *= decay;
        T normalised = gradient / T.Max(T.Sqrt(state[1]), epsilon);
        // clamp(u, −c, c) = min(max(u, −c), c), with min(x, c) = −max(−x, −c).
        if (clipped) normalised = -T.Max(-T.Max(normalised, negativeClip), negativeClip);
        T m = state[0] = state[0] + averaging * (normalised - state[0]);
        parameter -= step * m;
        state[1] = keep2 * state[1] + mix2 * squared;
    }

    /// <inheritdoc/>
    public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> =>
        first ? T.Broadcast(0) : T.Broadcast(lr) / T.Max(T.Sqrt(state[1]), T.Broadcast(eps));
}

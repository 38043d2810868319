using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// LAMB's hyperparameters (cybertronai/pytorch-lamb defaults). <see cref="ExcludeFromTrust"/> gives 1-D parameters
/// (biases, normalisation scales) a trust ratio of 1; <see cref="Adam"/> gives every parameter 1.
/// </summary>
public sealed record LambHyperparameters(
    double Lr = 1e-3,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Eps = 1e-6,
    double WeightDecay = 0,
    double ClampValue = 10,
    bool Adam = false,
    bool ExcludeFromTrust = false) : StagedHyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations, as <c>adaptivelr optimizers lamb</c> prints them.</summary>
    public const string Reference = """
        LAMB — You et al., "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes", ICLR 2020
        (arXiv:1904.00962 v3), as implemented in cybertronai/pytorch-lamb (pytorch_lamb/lamb.py @ d3ab8dc);
        per tensor, no bias correction (the paper's v3):

          m  ← β₁m + (1 − β₁)g
          v  ← β₂v + (1 − β₂)g²
          u  = m/(√v + ε) + λθ                             (weight decay inside the update)
          φ  = min(‖θ‖₂, clamp_value)                      (weight_norm)
          r  = φ/‖u‖₂, or 1 when φ = 0 or ‖u‖₂ = 0          (trust_ratio; 1 with adam = true, and for
                                                            1-D parameters with exclude_from_trust = true)
          θ  ← θ − lr·r·u

        The step's length is lr·min(‖θ‖, clamp_value) whatever the gradient's scale. Defaults: lr 1e-3,
        betas (0.9, 0.999), eps 1e-6, weight_decay 0, clamp_value 10, adam false, exclude_from_trust false
        (true: biases and normalisation scales keep trust ratio 1, as BERT's recipe excludes them).
        Effective learning rate shown: lr·r/(√v + ε), the factor on m.
        """;

    private const int ExpAvg = 0, ExpAvgSq = 1;

    private static readonly ImmutableArray<StateSlot?> SlotLayout = [new StateSlot("exp_avg"), new StateSlot("exp_avg_sq")];

    // The per-tensor scalars' names, built once: each tensor's values are set on them (With allocates nothing).
    private static readonly GroupScalars TrustScalars = GroupScalars.Of(("weight_norm", 0), ("adam_norm", 0), ("trust_ratio", 0));

    /// <inheritdoc/>
    public override string Algorithm => "lamb";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => SlotLayout;

    /// <summary>‖θ‖² and ‖u‖² of each tensor.</summary>
    public override int SumCount => 2;

    /// <inheritdoc/>
    public override bool ReducesPerTensor => true;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Beta1 = s.Beta1 ?? Beta1,
            Beta2 = s.Beta2 ?? Beta2,
            Eps = s.Eps ?? Eps,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            ClampValue = s.ClampValue ?? ClampValue,
            Adam = s.Adam ?? Adam,
            ExcludeFromTrust = s.ExcludeFromTrust ?? ExcludeFromTrust,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        [.. AdamSlots.Validate(Lr, Beta1, Beta2, Eps, WeightDecay), .. Allowed.Collect(Allowed.Positive("clamp_value", ClampValue))];

    /// <summary>The weight norm φ = min(‖θ‖, clamp_value), the update norm ‖u‖ and the trust ratio from a tensor's sums (the ratio before <see cref="Adam"/> and exclusions, as the reference records it).</summary>
    public (double WeightNorm, double AdamNorm, double TrustRatio) Trust(ReadOnlySpan<double> tensorSums)
    {
        double weightNorm = Math.Clamp(Math.Sqrt(tensorSums[0]), 0, ClampValue), adamNorm = Math.Sqrt(tensorSums[1]);
        return (weightNorm, adamNorm, weightNorm == 0 || adamNorm == 0 ? 1 : weightNorm / adamNorm);
    }

    /// <summary>The trust ratio the update applies to a tensor with <paramref name="dimensions"/> dimensions.</summary>
    public double AppliedTrustRatio(ReadOnlySpan<double> tensorSums, int dimensions) =>
        Adam || (ExcludeFromTrust && dimensions <= 1) ? 1 : Trust(tensorSums).TrustRatio;

    /// <inheritdoc/>
    public override GroupScalars TensorScalars(in StageInputs inputs)
    {
        var (weightNorm, adamNorm, trustRatio) = Trust(inputs.TensorSums);
        return TrustScalars.With(("weight_norm", weightNorm), ("adam_norm", adamNorm), ("trust_ratio", trustRatio));
    }

    /// <inheritdoc/>
    protected override TResult WithReductionRule<TVisitor, TResult>(StepContext context, GroupScalars scalars, ref TVisitor visitor) =>
        visitor.Visit(new LambNorms(Beta1, Beta2, Eps, context.WeightDecay));

    /// <inheritdoc/>
    protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor) =>
        visitor.Visit(new LambStep(Eps, inputs.Context.WeightDecay, inputs.Context.LearningRate * AppliedTrustRatio(inputs.TensorSums, inputs.Dimensions)));

    /// <summary>The reduction pass: m and v, then ‖θ‖² (sum 0) and ‖u‖² (sum 1).</summary>
    private readonly struct LambNorms(double beta1, double beta2, double eps, double weightDecay) : IReductionRule
    {
        public int SlotsTouched => 1 << ExpAvg | 1 << ExpAvgSq;

        public int SlotsWritten => 1 << ExpAvg | 1 << ExpAvgSq;

        public bool ReadsParameter => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Accumulate<T>(T parameter, T gradient, ref Lanes<T> state, ref Lanes<T> sums) where T : unmanaged, ILane<T>
        {
            // Every broadcast before the first branch (Update's), so that the kernel's loop computes them once (see ISlotRule).
            T keep1 = T.Broadcast(beta1), mix1 = T.Broadcast(1 - beta1), keep2 = T.Broadcast(beta2), mix2 = T.Broadcast(1 - beta2);
            state[ExpAvg] = keep1 * state[ExpAvg] + mix1 * gradient;
            state[ExpAvgSq] = keep2 * state[ExpAvgSq] + mix2 * (gradient * gradient);
            T update = LambStep.Update(parameter, state, eps, weightDecay);
            sums[0] += parameter * parameter;
            sums[1] += update * update;
        }
    }

    /// <summary>The element pass: θ − lr·r·u, u recomputed from the m and v the reduction pass left.</summary>
    private readonly struct LambStep(double eps, double weightDecay, double stepSize) : ISlotRule
    {
        public static int SlotsRead => 1 << ExpAvg | 1 << ExpAvgSq;

        public static int SlotsWritten => 0;

        public static bool ReadsGradient => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Update<T>(T parameter, in Lanes<T> state, double eps, double weightDecay) where T : unmanaged, ILane<T>
        {
            T epsilon = T.Broadcast(eps), decay = T.Broadcast(weightDecay);
            T update = state[ExpAvg] / (T.Sqrt(state[ExpAvgSq]) + epsilon);
            return weightDecay != 0 ? update + decay * parameter : update;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T> =>
            parameter += T.Broadcast(-stepSize) * Update(parameter, state, eps, weightDecay);

        public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> =>
            T.Broadcast(stepSize) / (T.Sqrt(state[ExpAvgSq]) + T.Broadcast(eps));
    }
}

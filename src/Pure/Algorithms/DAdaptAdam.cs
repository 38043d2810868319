using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// D-Adaptation Adam's hyperparameters (facebookresearch/dadaptation's DAdaptAdam defaults): learning-rate-free,
/// lr only scales the estimated step size d. <see cref="GrowthRate"/> null means unbounded (the reference's inf).
/// </summary>
public sealed record DAdaptAdamHyperparameters(
    double Lr = 1,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Eps = 1e-8,
    double WeightDecay = 0,
    bool Decouple = false,
    bool UseBiasCorrection = false,
    double D0 = 1e-6,
    double? GrowthRate = null,
    double LayerScale = 1) : StagedHyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations, as <c>adaptivelr optimizers dadapt-adam</c> prints them.</summary>
    public const string Reference = """
        D-Adaptation Adam — Defazio & Mishchenko, "Learning-Rate-Free Learning by D-Adaptation", ICML 2023
        (arXiv:2301.07733), as implemented in facebookresearch/dadaptation (dadaptation/dadapt_adam.py @ c984980).
        k counts the steps (0 at the first), d starts at d0, sums run over all tensors of all parameter groups
        (every group holds the same d), r is the group's layer_scale:

          g   ← g + λθ                                   (coupled weight decay, the default)
          bc  = √(1 − β₂ᵏ⁺¹)/(1 − β₁ᵏ⁺¹) with use_bias_correction, else 1;   dlr = d·lr·bc
          a   = r·dlr·⟨g, s/(√v + ε)⟩                    (s and v before this step)
          m   ← β₁m + r·dlr(1 − β₁)g                     (m carries the step size)
          v   ← β₂v + (1 − β₂)g²
          s   ← √β₂·s + dlr(1 − √β₂)g
          n   ← √β₂·n + (1 − √β₂)·a                      (n is numerator_weighted)
          d̂   = n/((1 − √β₂)·r‖s‖₁);   d ← max(d, min(d̂, d·growth_rate))
          θ   ← θ − λ·dlr·θ                               (decoupled weight decay, decouple = true)
          θ   ← θ − m/(√v + ε)

        d never decreases. If ‖s‖₁ = 0 the step changes only m, v and s, as the reference's early return.
        Defaults: lr 1, betas (0.9, 0.999), eps 1e-8, weight_decay 0 (coupled), d0 1e-6, growth_rate unbounded,
        layer_scale 1. Effective learning rate shown: r·dlr/(√v + ε), Adam's lr/(√v + ε) with lr = r·d·lr·bc.
        Parameter groups share d (the authors' code): lr, weight_decay, eps and layer_scale are per group, the
        other settings must agree; groups' lr may differ only by being 0 (such a group stays as it is).
        Departures: a group at lr 0 is not moved (the reference still applies dlr to it); single process (no FSDP all-reduce).
        """;

    private const int S = 0, ExpAvg = 1, ExpAvgSq = 2;

    private static readonly ImmutableArray<StateSlot?> SlotLayout = [new StateSlot("s"), new StateSlot("exp_avg"), new StateSlot("exp_avg_sq")];

    /// <inheritdoc/>
    public override string Algorithm => "dadapt-adam";

    /// <inheritdoc/>
    public override bool LearningRateFree => true;

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => SlotLayout;

    /// <inheritdoc/>
    public override int SumCount => 2;

    /// <inheritdoc/>
    public override GroupScalars InitialScalars => GroupScalars.Of(
        ("d", D0), ("numerator_weighted", 0), ("k", 0), ("dlr", 0), ("numerator_acum", 0), ("sk_l1", 0), ("d_hat", 0));

    private double SqrtBeta2 => Math.Pow(Beta2, 0.5);

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
            UseBiasCorrection = s.UseBiasCorrection ?? UseBiasCorrection,
            D0 = s.D0 ?? D0,
            GrowthRate = s.GrowthRate ?? GrowthRate,
            LayerScale = s.LayerScale ?? LayerScale,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
    [
        .. AdamSlots.Validate(Lr, Beta1, Beta2, Eps, WeightDecay),
        .. Allowed.Collect(
            Allowed.Positive("d0", D0),
            GrowthRate is { } growth ? DAdaptationFamily.GrowthRate(growth) : null,
            Allowed.Positive("layer_scale", LayerScale)),
    ];

    private double StepSize(GroupScalars scalars, double lr) => DAdaptationFamily.StepSize(scalars, lr, Beta1, Beta2, UseBiasCorrection);

    /// <inheritdoc/>
    public override bool SharesScalarsAcrossGroups => true;

    /// <inheritdoc/>
    public override string? SharingConflict(StagedHyperparameters first) =>
        first is DAdaptAdamHyperparameters f && SharedSettings.Equals(f.SharedSettings)
            ? null
            : "betas, decouple, use_bias_correction, d0 and growth_rate must be the same in every group of dadapt-adam";

    // Every setting but the per-group ones (lr, weight_decay, eps, layer_scale, maximize); a tuple, not a `with` copy, since
    // the check runs every step (SharedGroupScalarsProperties checks that it covers every other property).
    private (double, double, bool, bool, double, double?) SharedSettings => (Beta1, Beta2, Decouple, UseBiasCorrection, D0, GrowthRate);

    /// <summary>A tensor's sums weighted by its group's layer_scale r (and the step's dlr): its parts of numerator_acum and sk_l1, as the reference adds them.</summary>
    public override void ScaleTensorSums(StepContext context, GroupScalars scalars, Span<double> sums)
    {
        sums[0] = LayerScale * StepSize(scalars, context.LearningRate) * sums[0];
        sums[1] = LayerScale * sums[1];
    }

    /// <inheritdoc/>
    public override GroupScalars Advance(StepContext context, GroupScalars scalars, ReadOnlySpan<double> groupSums)
    {
        double dlr = StepSize(scalars, context.LearningRate);
        double numeratorAccumulated = groupSums[0], skL1 = groupSums[1];
        // The reference returns before anything else changes (k included) when no gradient reached s.
        if (skL1 == 0 || !(context.LearningRate > 0)) return scalars.With(("dlr", dlr), ("numerator_acum", numeratorAccumulated), ("sk_l1", skL1));
        double sqrtBeta2 = SqrtBeta2, d = scalars["d"];
        double numeratorWeighted = sqrtBeta2 * scalars["numerator_weighted"] + (1 - sqrtBeta2) * numeratorAccumulated;
        double dHat = numeratorWeighted / ((1 - sqrtBeta2) * skL1);
        d = Math.Max(d, Math.Min(dHat, d * (GrowthRate ?? double.PositiveInfinity)));
        return scalars.With(("dlr", dlr), ("numerator_acum", numeratorAccumulated), ("sk_l1", skL1),
                            ("numerator_weighted", numeratorWeighted), ("d_hat", dHat), ("d", d), ("k", scalars["k"] + 1));
    }

    /// <inheritdoc/>
    protected override TResult WithReductionRule<TVisitor, TResult>(StepContext context, GroupScalars scalars, ref TVisitor visitor)
    {
        double dlr = StepSize(scalars, context.LearningRate), sqrtBeta2 = SqrtBeta2;
        return visitor.Visit(new DAdaptEstimate(
            coupledDecay: Decouple ? 0 : context.WeightDecay,
            accumulate: context.LearningRate > 0,
            beta1: Beta1, beta2: Beta2, sqrtBeta2: sqrtBeta2, eps: Eps,
            momentumScale: LayerScale * dlr * (1 - Beta1),
            sScale: dlr * (1 - sqrtBeta2)));
    }

    /// <inheritdoc/>
    protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor)
    {
        double dlr = inputs.After["dlr"];
        bool update = inputs.Context.LearningRate > 0 && inputs.After["k"] != inputs.Before["k"];
        return visitor.Visit(new DAdaptStep(
            decoupledDecay: Decouple ? inputs.Context.WeightDecay * dlr : 0,
            update: update, eps: Eps, rate: LayerScale * dlr));
    }

    /// <summary>The reduction pass: ⟨g, s/(√v + ε)⟩ with the old s and v (sum 0), then m, v, s and ‖s‖₁ (sum 1).</summary>
    private readonly struct DAdaptEstimate(double coupledDecay, bool accumulate, double beta1, double beta2, double sqrtBeta2, double eps,
                                           double momentumScale, double sScale) : IReductionRule
    {
        public int SlotsTouched => 1 << S | 1 << ExpAvg | 1 << ExpAvgSq;

        public int SlotsWritten => 1 << S | 1 << ExpAvg | 1 << ExpAvgSq;

        // The parameter enters only through coupled weight decay.
        public bool ReadsParameter => coupledDecay != 0;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Accumulate<T>(T parameter, T gradient, ref Lanes<T> state, ref Lanes<T> sums) where T : unmanaged, ILane<T>
        {
            // Every broadcast before the first branch, so that the kernel's loop computes them once (see ISlotRule).
            T coupled = T.Broadcast(coupledDecay), epsilon = T.Broadcast(eps), keep1 = T.Broadcast(beta1), mix1 = T.Broadcast(momentumScale);
            T keep2 = T.Broadcast(beta2), mix2 = T.Broadcast(1 - beta2), keepS = T.Broadcast(sqrtBeta2), mixS = T.Broadcast(sScale);
            if (!accumulate) return;
            if (coupledDecay != 0) gradient += coupled * parameter;
            sums[0] += gradient * (state[S] / (T.Sqrt(state[ExpAvgSq]) + epsilon));
            state[ExpAvg] = keep1 * state[ExpAvg] + mix1 * gradient;
            state[ExpAvgSq] = keep2 * state[ExpAvgSq] + mix2 * (gradient * gradient);
            state[S] = keepS * state[S] + mixS * gradient;
            sums[1] += T.Abs(state[S]);
        }
    }

    /// <summary>The element pass: θ − m/(√v + ε); m already carries the step size.</summary>
    private readonly struct DAdaptStep(double decoupledDecay, bool update, double eps, double rate) : ISlotRule
    {
        public static int SlotsRead => 1 << ExpAvg | 1 << ExpAvgSq;

        public static int SlotsWritten => 0;

        public static bool ReadsGradient => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>
        {
            // Every broadcast before the first branch, so that the kernel's loop computes them once (see ISlotRule).
            T epsilon = T.Broadcast(eps), decoupled = T.Broadcast(-decoupledDecay);
            if (!update) return;
            T denominator = T.Sqrt(state[ExpAvgSq]) + epsilon;
            if (decoupledDecay != 0) parameter += decoupled * parameter;
            parameter -= state[ExpAvg] / denominator;
        }

        public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> =>
            update ? T.Broadcast(rate) / (T.Sqrt(state[ExpAvgSq]) + T.Broadcast(eps)) : T.Broadcast(0);
    }
}

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// Prodigy's hyperparameters (konstmish/prodigy defaults): learning-rate-free, lr only scales the estimated step
/// size d. <see cref="Beta3"/> null means √β₂; <see cref="GrowthRate"/> null means unbounded (the reference's inf).
/// </summary>
public sealed record ProdigyHyperparameters(
    double Lr = 1,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double? Beta3 = null,
    double Eps = 1e-8,
    double WeightDecay = 0,
    bool Decouple = true,
    bool UseBiasCorrection = false,
    bool SafeguardWarmup = false,
    double D0 = 1e-6,
    double DCoef = 1,
    double? GrowthRate = null,
    double SliceP = 1) : StagedHyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations, as <c>adaptivelr optimizers prodigy</c> prints them.</summary>
    public const string Reference = """
        Prodigy — Mishchenko & Defazio, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner", ICML 2024
        (arXiv:2306.06101), Algorithm 4 as implemented in konstmish/prodigy (prodigyopt/prodigy.py @ 3efb213).
        k counts the steps (0 at the first), d starts at d0, sums run over all tensors of all parameter groups
        (and over every slice_p-th element only); every group holds the same d:

          g   ← g + λθ                                   (coupled weight decay, decouple = false)
          β₃  = beta3, or √β₂ when not given;  bc = √(1 − β₂ᵏ⁺¹)/(1 − β₁ᵏ⁺¹) with use_bias_correction, else 1
          dlr = d·lr·bc
          r   ← β₃r + (d/d0)·dlr·⟨g, θ₀ − θ⟩             (θ₀: the parameters at the first step; r is d_numerator)
          s   ← β₃s + (d/d0)·dlr·g                       (d/d0·d·g with safeguard_warmup)
          m   ← β₁m + d(1 − β₁)g
          v   ← β₂v + d²(1 − β₂)g²
          d̂   = d_coef·r/‖s‖₁;   d_max ← max(d_max, d̂);   d ← min(d_max, d·growth_rate)   (d ← max(d, d̂) first while d = d0)
          θ   ← θ − λ·dlr·θ                               (decoupled weight decay, decouple = true)
          θ   ← θ − dlr·m/(√v + d·ε)                      (new d in the denominator; β₁ = 0: dlr·d·g/(√v + d·ε))

        d never decreases. If ‖s‖₁ = 0 (all gradients zero) the step changes only m, v and s, as the reference's
        early return. Defaults: lr 1 (the authors: keep it at 1, or schedule it), betas (0.9, 0.999), eps 1e-8,
        d0 1e-6, d_coef 1, growth_rate unbounded, slice_p 1 (11 saves memory on large models).
        Effective learning rate shown: dlr/(√v + d·ε), the factor on m (β₁ = 0: dlr·d/(√v + d·ε), on g).
        Parameter groups share d (the authors' code): lr, weight_decay, eps and safeguard_warmup are per group,
        the other settings must agree; groups' lr may differ only by being 0 (such a group stays as it is).
        Departures: a group at lr 0 is not moved (the reference still applies dlr to it); single process (no FSDP all-reduce).
        """;

    private const int S = 0, P0 = 1, ExpAvg = 2, ExpAvgSq = 3;

    private static readonly ImmutableArray<StateSlot?> WithMomentum =
        [new StateSlot("s", Sampled: true), new StateSlot("p0", Sampled: true), new StateSlot("exp_avg"), new StateSlot("exp_avg_sq")];

    private static readonly ImmutableArray<StateSlot?> WithoutMomentum =
        [new StateSlot("s", Sampled: true), new StateSlot("p0", Sampled: true), null, new StateSlot("exp_avg_sq")];

    /// <inheritdoc/>
    public override string Algorithm => "prodigy";

    /// <inheritdoc/>
    public override bool LearningRateFree => true;

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Beta1 > 0 ? WithMomentum : WithoutMomentum;

    /// <inheritdoc/>
    public override int SumCount => 2;

    /// <inheritdoc/>
    public override int SampleStride => SliceP is >= 1 and <= int.MaxValue ? (int)SliceP : 1;

    /// <inheritdoc/>
    public override GroupScalars InitialScalars => GroupScalars.Of(
        ("d", D0), ("d_max", D0), ("d_numerator", 0), ("d_denom", 0), ("d_hat", 0), ("k", 0), ("dlr", 0), ("delta_numerator", 0));

    /// <summary>β₃ in force: the given one, or √β₂.</summary>
    private double EffectiveBeta3 => Beta3 ?? Math.Sqrt(Beta2);

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
            Decouple = s.Decouple ?? Decouple,
            UseBiasCorrection = s.UseBiasCorrection ?? UseBiasCorrection,
            SafeguardWarmup = s.SafeguardWarmup ?? SafeguardWarmup,
            D0 = s.D0 ?? D0,
            DCoef = s.DCoef ?? DCoef,
            GrowthRate = s.GrowthRate ?? GrowthRate,
            SliceP = s.SliceP ?? SliceP,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() => Allowed.Collect(
        Allowed.Positive("lr", Lr),
        Allowed.DecayRate("beta1", Beta1),
        Allowed.DecayRate("beta2", Beta2),
        Beta3 is { } beta3 ? Allowed.DecayRate("beta3", beta3) : null,
        Allowed.Positive("eps", Eps),
        Allowed.NonNegative("weight_decay", WeightDecay),
        Allowed.Positive("d0", D0),
        Allowed.Positive("d_coef", DCoef),
        GrowthRate is { } growth ? DAdaptationFamily.GrowthRate(growth) : null,
        DAdaptationFamily.Stride("slice_p", SliceP));

    /// <summary>dlr = d·lr·bc of the step after <paramref name="scalars"/>.</summary>
    private double StepSize(GroupScalars scalars, double lr) => DAdaptationFamily.StepSize(scalars, lr, Beta1, Beta2, UseBiasCorrection);

    /// <inheritdoc/>
    public override bool SharesScalarsAcrossGroups => true;

    /// <inheritdoc/>
    public override string? SharingConflict(StagedHyperparameters first) =>
        first is ProdigyHyperparameters f && SharedSettings.Equals(f.SharedSettings)
            ? null
            : "betas, beta3, decouple, use_bias_correction, d0, d_coef, growth_rate and slice_p must be the same in every group of prodigy";

    // Every setting but the per-group ones (lr, weight_decay, eps, safeguard_warmup, maximize); a tuple, not a `with` copy, since
    // the check runs every step (SharedGroupScalarsProperties checks that it covers every other property).
    private (double, double, double?, bool, bool, double, double, double?, double) SharedSettings =>
        (Beta1, Beta2, Beta3, Decouple, UseBiasCorrection, D0, DCoef, GrowthRate, SliceP);

    /// <summary>A tensor's ⟨g, θ₀ − θ⟩ weighted by its group's d/d0 and the step's dlr: its part of delta_numerator (sum 0), as the reference adds it.</summary>
    public override void ScaleTensorSums(StepContext context, GroupScalars scalars, Span<double> sums) =>
        sums[0] = scalars["d"] / D0 * StepSize(scalars, context.LearningRate) * sums[0];

    /// <inheritdoc/>
    public override GroupScalars Advance(StepContext context, GroupScalars scalars, ReadOnlySpan<double> groupSums)
    {
        double d = scalars["d"], dlr = StepSize(scalars, context.LearningRate);
        double deltaNumerator = groupSums[0], dDenom = groupSums[1];
        // The reference returns before anything else changes (k included) when no gradient reached s.
        if (dDenom == 0 || !(context.LearningRate > 0)) return scalars.With(("dlr", dlr), ("delta_numerator", deltaNumerator));
        double dNumerator = scalars["d_numerator"] * EffectiveBeta3 + deltaNumerator;
        double dHat = DCoef * dNumerator / dDenom;
        if (d == D0) d = Math.Max(d, dHat);
        double dMax = Math.Max(scalars["d_max"], dHat);
        d = Math.Min(dMax, d * (GrowthRate ?? double.PositiveInfinity));
        return scalars.With(("dlr", dlr), ("delta_numerator", deltaNumerator), ("d_numerator", dNumerator), ("d_denom", dDenom),
                            ("d_hat", dHat), ("d", d), ("d_max", dMax), ("k", scalars["k"] + 1));
    }

    /// <inheritdoc/>
    protected override TResult WithReductionRule<TVisitor, TResult>(StepContext context, GroupScalars scalars, ref TVisitor visitor)
    {
        double d = scalars["d"], dlr = StepSize(scalars, context.LearningRate);
        return visitor.Visit(new ProdigyEstimate(
            coupledDecay: Decouple ? 0 : context.WeightDecay,
            firstStep: context.Step == 1,
            accumulate: context.LearningRate > 0,
            beta3: EffectiveBeta3,
            sScale: d / D0 * (SafeguardWarmup ? d : dlr)));
    }

    /// <inheritdoc/>
    protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor)
    {
        double lr = inputs.Context.LearningRate, dBefore = inputs.Before["d"], dAfter = inputs.After["d"], dlr = inputs.After["dlr"];
        bool skipped = inputs.After["k"] == inputs.Before["k"];
        return visitor.Visit(new ProdigyStep(
            coupledDecay: Decouple ? 0 : inputs.Context.WeightDecay,
            decoupledDecay: Decouple ? inputs.Context.WeightDecay * dlr : 0,
            accumulate: lr > 0,
            update: lr > 0 && !skipped,
            beta1: Beta1, beta2: Beta2,
            momentumScale: dBefore * (1 - Beta1),
            squareScale: dBefore * dBefore * (1 - Beta2),
            denominatorEps: dAfter * Eps,
            stepSize: Beta1 > 0 ? dlr : dlr * dAfter));
    }

    /// <summary>The reduction pass: θ₀ at the first step, ⟨g, θ₀ − θ⟩ (sum 0) and s with ‖s‖₁ (sum 1) on the sampled elements.</summary>
    private readonly struct ProdigyEstimate(double coupledDecay, bool firstStep, bool accumulate, double beta3, double sScale) : IReductionRule
    {
        public int SlotsTouched => 1 << P0 | 1 << S;

        // θ₀ is written once, at the first step; after that it is only read.
        public int SlotsWritten => firstStep ? 1 << P0 | 1 << S : 1 << S;

        public bool ReadsParameter => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Accumulate<T>(T parameter, T gradient, ref Lanes<T> state, ref Lanes<T> sums) where T : unmanaged, ILane<T>
        {
            // Every broadcast before the first branch, so that the kernel's loop computes them once (see ISlotRule).
            T decay = T.Broadcast(coupledDecay), keep3 = T.Broadcast(beta3), mix3 = T.Broadcast(sScale);
            if (firstStep) state[P0] = parameter;
            if (!accumulate) return;
            if (coupledDecay != 0) gradient += decay * parameter;
            sums[0] += gradient * (state[P0] - parameter);
            state[S] = keep3 * state[S] + mix3 * gradient;
            sums[1] += T.Abs(state[S]);
        }
    }

    /// <summary>The element pass: m and v with the step's old d, then the update with the new d in the denominator.</summary>
    private readonly struct ProdigyStep(double coupledDecay, double decoupledDecay, bool accumulate, bool update, double beta1, double beta2,
                                        double momentumScale, double squareScale, double denominatorEps, double stepSize) : ISlotRule
    {
        public static int SlotsRead => 1 << ExpAvg | 1 << ExpAvgSq;

        public static int SlotsWritten => 1 << ExpAvg | 1 << ExpAvgSq;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>
        {
            // Every broadcast before the first branch, so that the kernel's loop computes them once (see ISlotRule).
            T coupled = T.Broadcast(coupledDecay), keep1 = T.Broadcast(beta1), mix1 = T.Broadcast(momentumScale), keep2 = T.Broadcast(beta2);
            T mix2 = T.Broadcast(squareScale), epsilon = T.Broadcast(denominatorEps), decoupled = T.Broadcast(-decoupledDecay), step = T.Broadcast(-stepSize);
            if (!accumulate) return;
            if (coupledDecay != 0) gradient += coupled * parameter;
            bool momentum = beta1 > 0;
            if (momentum) state[ExpAvg] = keep1 * state[ExpAvg] + mix1 * gradient;
            state[ExpAvgSq] = keep2 * state[ExpAvgSq] + mix2 * (gradient * gradient);
            if (!update) return;
            T denominator = T.Sqrt(state[ExpAvgSq]) + epsilon;
            if (decoupledDecay != 0) parameter += decoupled * parameter;
            parameter += step * ((momentum ? state[ExpAvg] : gradient) / denominator);
        }

        public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> =>
            update ? T.Broadcast(stepSize) / (T.Sqrt(state[ExpAvgSq]) + T.Broadcast(denominatorEps)) : T.Broadcast(0);
    }
}

/// <summary>What Prodigy and D-Adaptation Adam (its family) share: their step size dlr and two checks.</summary>
internal static class DAdaptationFamily
{
    /// <summary>
    /// dlr = d·lr·bc of the step after <paramref name="scalars"/> (their d and step count k), with Adam's bias correction
    /// bc = √(1 − β₂ᵏ⁺¹)/(1 − β₁ᵏ⁺¹) when <paramref name="useBiasCorrection"/>, else 1, as both references compute it.
    /// </summary>
    public static double StepSize(GroupScalars scalars, double lr, double beta1, double beta2, bool useBiasCorrection)
    {
        double k = scalars["k"];
        double biasCorrection = useBiasCorrection ? Math.Pow(1 - Math.Pow(beta2, k + 1), 0.5) / (1 - Math.Pow(beta1, k + 1)) : 1;
        return scalars["d"] * lr * biasCorrection;
    }

    /// <summary>growth_rate: d may grow by at most this factor per step; at least 1 so that d never decreases.</summary>
    public static ValidationError? GrowthRate(double value) =>
        value >= 1 && double.IsFinite(value) ? null
            : new("growth_rate", $"{value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} is out of range; allowed: a finite number >= 1, or null for no limit");

    /// <summary>An integer stride such as slice_p.</summary>
    public static ValidationError? Stride(string name, double value) =>
        value >= 1 && value <= 1 << 20 && Math.Floor(value) == value ? null
            : new(name, $"{value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} is out of range; allowed: an integer from 1 to {1 << 20}");
}

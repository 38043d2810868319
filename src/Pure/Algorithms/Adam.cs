using System.Runtime.CompilerServices;
using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>Adam's hyperparameters (torch.optim.Adam defaults). <c>AmsGrad</c> selects AMSGrad.</summary>
public sealed record AdamHyperparameters(
    double Lr = 1e-3,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Eps = 1e-8,
    double WeightDecay = 0,
    bool AmsGrad = false) : Hyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations (torch.optim's semantics where it has the algorithm), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Adam — Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, Algorithm 1;
        AMSGrad — Reddi, Kale & Kumar, "On the Convergence of Adam and Beyond", ICLR 2018;
        with torch.optim.Adam's semantics (eps added outside the square root, bias-corrected max):

          g  ← g + λθ                                  (L2 weight decay, when λ > 0)
          m  ← β₁m + (1 − β₁)g
          v  ← β₂v + (1 − β₂)g²
          v̂  ← max(v̂, v)                               (AMSGrad only; v̂ starts at 0)
          θ  ← θ − lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε)  (√v̂ in place of √v for AMSGrad)
        """;

    /// <inheritdoc/>
    public override string Algorithm => AmsGrad ? "amsgrad" : "adam";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => AdamSlots.For(AmsGrad);

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Beta1 = s.Beta1 ?? Beta1,
            Beta2 = s.Beta2 ?? Beta2,
            Eps = s.Eps ?? Eps,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            AmsGrad = s.AmsGrad ?? AmsGrad
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() => AdamSlots.Validate(Lr, Beta1, Beta2, Eps, WeightDecay);

    /// <inheritdoc/>
    public override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        visitor.Visit(AdamRule.For(context, Beta1, Beta2, Eps, AmsGrad, decoupledWeightDecay: false));
}

/// <summary>The state layout and the checks Adam and AdamW share.</summary>
internal static class AdamSlots
{
    private static readonly ImmutableArray<StateSlot?> Plain = [new StateSlot("m"), new StateSlot("v", NonNegative: true), null];
    private static readonly ImmutableArray<StateSlot?> WithMax = [new StateSlot("m"), new StateSlot("v", NonNegative: true), new StateSlot("v_max", NonNegative: true) { Rounding = StateRounding.Down }];

    public static ImmutableArray<StateSlot?> For(bool amsGrad) => amsGrad ? WithMax : Plain;

    public static IReadOnlyList<ValidationError> Validate(double lr, double beta1, double beta2, double eps, double weightDecay) =>
        Allowed.Collect(
            Allowed.Positive("lr", lr),
            Allowed.DecayRate("beta1", beta1),
            Allowed.DecayRate("beta2", beta2),
            Allowed.Positive("eps", eps),
            Allowed.NonNegative("weight_decay", weightDecay));
}

/// <summary>One step of Adam, AdamW or AMSGrad: slot 0 is m, slot 1 is v, slot 2 is v_max.</summary>
public readonly struct AdamRule : IElementRule
{
    private readonly double stepSize, inverseBiasCorrection2Sqrt, beta1, beta2, eps, l2WeightDecay, decayFactor;
    private readonly bool amsGrad;

    private AdamRule(double stepSize, double inverseBiasCorrection2Sqrt, double beta1, double beta2, double eps,
                     double l2WeightDecay, double decayFactor, bool amsGrad)
    {
        (this.stepSize, this.inverseBiasCorrection2Sqrt, this.beta1, this.beta2, this.eps) = (stepSize, inverseBiasCorrection2Sqrt, beta1, beta2, eps);
        (this.l2WeightDecay, this.decayFactor, this.amsGrad) = (l2WeightDecay, decayFactor, amsGrad);
    }

    /// <summary>The rule for one step of Adam (<paramref name="decoupledWeightDecay"/> false) or AdamW (true); AMSGrad when <paramref name="amsGrad"/>.</summary>
    public static AdamRule For(StepContext context, double beta1, double beta2, double eps, bool amsGrad, bool decoupledWeightDecay)
    {
        double biasCorrection1 = 1 - Math.Pow(beta1, context.Step);
        double biasCorrection2 = 1 - Math.Pow(beta2, context.Step);
        return new AdamRule(
            stepSize: context.LearningRate / biasCorrection1,
            // A multiplication per element instead of a division: the same value within one rounding.
            inverseBiasCorrection2Sqrt: 1 / Math.Sqrt(biasCorrection2),
            beta1, beta2, eps,
            l2WeightDecay: decoupledWeightDecay ? 0 : context.WeightDecay,
            decayFactor: decoupledWeightDecay ? 1 - context.LearningRate * context.WeightDecay : 1,
            amsGrad);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void IElementRule.Apply<T>(ref T parameter, T gradient, ref T m, ref T v, ref T vMax)
    {
        if (l2WeightDecay != 0) gradient += T.Broadcast(l2WeightDecay) * parameter;
        if (decayFactor != 1) parameter *= T.Broadcast(decayFactor);
        m = T.Broadcast(beta1) * m + T.Broadcast(1 - beta1) * gradient;
        v = T.Broadcast(beta2) * v + T.Broadcast(1 - beta2) * gradient * gradient;
        if (amsGrad) vMax = T.Max(vMax, v);
        T denominator = T.Sqrt(amsGrad ? vMax : v) * T.Broadcast(inverseBiasCorrection2Sqrt) + T.Broadcast(eps);
        parameter -= T.Broadcast(stepSize) * m / denominator;
    }

    T IElementRule.EffectiveLearningRate<T>(T m, T v, T vMax) =>
        T.Broadcast(stepSize) / (T.Sqrt(amsGrad ? vMax : v) * T.Broadcast(inverseBiasCorrection2Sqrt) + T.Broadcast(eps));
}

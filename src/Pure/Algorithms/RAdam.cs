using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>RAdam's hyperparameters (torch.optim.RAdam defaults).</summary>
public sealed record RAdamHyperparameters(double Lr = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8, double WeightDecay = 0)
    : Hyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations (torch.optim's semantics where it has the algorithm), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        RAdam — Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020,
        Algorithm 2, with torch.optim.RAdam's semantics:

          g  ← g + λθ                              (weight decay, when λ > 0)
          m  ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
          ρ∞ = 2/(1 − β₂) − 1;  ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)
          ρₜ > 5:  r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ));  θ ← θ − lr · m/(1 − β₁ᵗ) · r · √(1 − β₂ᵗ)/(√v + ε)
          else:    θ ← θ − lr · m/(1 − β₁ᵗ)          (the variance is not yet tractable: momentum SGD)
        """;

    private static readonly ImmutableArray<StateSlot?> Layout2 = [new StateSlot("m"), new StateSlot("v", NonNegative: true), null];

    /// <inheritdoc/>
    public override string Algorithm => "radam";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Layout2;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with { Lr = s.Lr ?? Lr, Beta1 = s.Beta1 ?? Beta1, Beta2 = s.Beta2 ?? Beta2, Eps = s.Eps ?? Eps, WeightDecay = s.WeightDecay ?? WeightDecay };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() => AdamSlots.Validate(Lr, Beta1, Beta2, Eps, WeightDecay);

    /// <inheritdoc/>
    public override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        visitor.Visit(new RAdamRule(context, Beta1, Beta2, Eps));
}

/// <summary>One step of RAdam: slot 0 is m, slot 1 v.</summary>
public readonly struct RAdamRule : IElementRule
{
    private readonly double momentumStep, adaptiveScale, weightDecay, beta1, beta2, eps;
    private readonly bool rectified;

    /// <summary>The rule for one step: the bias corrections and, once ρₜ &gt; 5, the rectification term.</summary>
    public RAdamRule(StepContext context, double beta1, double beta2, double eps)
    {
        double biasCorrection1 = 1 - Math.Pow(beta1, context.Step);
        double biasCorrection2 = 1 - Math.Pow(beta2, context.Step);
        double rhoInfinity = 2 / (1 - beta2) - 1;
        double rho = rhoInfinity - 2 * context.Step * Math.Pow(beta2, context.Step) / biasCorrection2;
        rectified = rho > 5;
        double rectification = rectified ? Math.Sqrt((rho - 4) * (rho - 2) * rhoInfinity / ((rhoInfinity - 4) * (rhoInfinity - 2) * rho)) : 0;
        momentumStep = context.LearningRate / biasCorrection1;
        adaptiveScale = rectification * Math.Sqrt(biasCorrection2);
        (weightDecay, this.beta1, this.beta2, this.eps) = (context.WeightDecay, beta1, beta2, eps);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void IElementRule.Apply<T>(ref T parameter, T gradient, ref T m, ref T v, ref T unused)
    {
        if (weightDecay != 0) gradient += T.Broadcast(weightDecay) * parameter;
        m = T.Broadcast(beta1) * m + T.Broadcast(1 - beta1) * gradient;
        v = T.Broadcast(beta2) * v + T.Broadcast(1 - beta2) * gradient * gradient;
        T update = T.Broadcast(momentumStep) * m;
        // Broadcast outside the branch, where the kernel's loop can hoist them.
        T scale = T.Broadcast(adaptiveScale), epsilon = T.Broadcast(eps);
        if (rectified) update = update * scale / (T.Sqrt(v) + epsilon);
        parameter -= update;
    }

    T IElementRule.EffectiveLearningRate<T>(T m, T v, T unused) =>
        rectified ? T.Broadcast(momentumStep * adaptiveScale) / (T.Sqrt(v) + T.Broadcast(eps)) : T.Broadcast(momentumStep);
}

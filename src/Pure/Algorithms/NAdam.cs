using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>NAdam's hyperparameters (torch.optim.NAdam defaults: lr 2e-3, momentum_decay 4e-3).</summary>
public sealed record NAdamHyperparameters(
    double Lr = 2e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8, double WeightDecay = 0, double MomentumDecay = 4e-3)
    : Hyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations (torch.optim's semantics where it has the algorithm), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        NAdam — Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop, with
        torch.optim.NAdam's semantics (momentum schedule μₜ, eps outside the square root):

          g   ← g + λθ                                 (weight decay, when λ > 0)
          μₜ  = β₁(1 − ½·0.96^(tψ));  Πₜ = μ₁…μₜ       (ψ = momentum_decay)
          m   ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
          d   = √(v/(1 − β₂ᵗ)) + ε
          θ   ← θ − lr(1 − μₜ)/(1 − Πₜ) · g/d − lr·μₜ₊₁/(1 − Πₜμₜ₊₁) · m/d
        """;

    private static readonly ImmutableArray<StateSlot?> Layout2 = [new StateSlot("m"), new StateSlot("v", NonNegative: true), null];

    /// <inheritdoc/>
    public override string Algorithm => "nadam";

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
            MomentumDecay = s.MomentumDecay ?? MomentumDecay
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        [.. AdamSlots.Validate(Lr, Beta1, Beta2, Eps, WeightDecay), .. Allowed.Collect(Allowed.NonNegative("momentum_decay", MomentumDecay))];

    /// <summary>Πₜ = μ₁…μₜ after <paramref name="step"/> steps at these β₁ and ψ (TorchSharp's and torch's <c>mu_product</c>).</summary>
    public double MomentumProduct(long step) => MomentumSchedule.Product(Beta1, MomentumDecay, step);

    /// <inheritdoc/>
    public override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        visitor.Visit(new NAdamRule(context, Beta1, Beta2, Eps, MomentumDecay));
}

/// <summary>One step of NAdam: slot 0 is m, slot 1 v.</summary>
public readonly struct NAdamRule : IElementRule
{
    private readonly double gradientStep, momentumStep, inverseBiasCorrection2, weightDecay, beta1, beta2, eps;

    /// <summary>The rule for one step: μₜ, μₜ₊₁ and their running product from β₁ and <paramref name="momentumDecay"/>.</summary>
    public NAdamRule(StepContext context, double beta1, double beta2, double eps, double momentumDecay)
    {
        long t = context.Step;
        double mu = MomentumSchedule.Mu(beta1, momentumDecay, t), muNext = MomentumSchedule.Mu(beta1, momentumDecay, t + 1);
        double product = MomentumSchedule.Product(beta1, momentumDecay, t);
        gradientStep = context.LearningRate * (1 - mu) / (1 - product);
        momentumStep = context.LearningRate * muNext / (1 - product * muNext);
        inverseBiasCorrection2 = 1 / (1 - Math.Pow(beta2, t));
        (weightDecay, this.beta1, this.beta2, this.eps) = (context.WeightDecay, beta1, beta2, eps);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void IElementRule.Apply<T>(ref T parameter, T gradient, ref T m, ref T v, ref T unused)
    {
        if (weightDecay != 0) gradient += T.Broadcast(weightDecay) * parameter;
        m = T.Broadcast(beta1) * m + T.Broadcast(1 - beta1) * gradient;
        v = T.Broadcast(beta2) * v + T.Broadcast(1 - beta2) * gradient * gradient;
        T denominator = T.Sqrt(v * T.Broadcast(inverseBiasCorrection2)) + T.Broadcast(eps);
        parameter -= (T.Broadcast(gradientStep) * gradient + T.Broadcast(momentumStep) * m) / denominator;
    }

    T IElementRule.EffectiveLearningRate<T>(T m, T v, T unused) =>
        T.Broadcast(gradientStep + momentumStep) / (T.Sqrt(v * T.Broadcast(inverseBiasCorrection2)) + T.Broadcast(eps));
}

/// <summary>
/// NAdam's momentum schedule μₜ and its running product Πₜ = μ₁…μₜ, a pure function of the step.
/// The product is remembered per (β₁, ψ) at the last step asked, so that stepping forward costs one
/// multiplication rather than t.
/// </summary>
internal static class MomentumSchedule
{
    private sealed class Last
    {
        public long Step;
        public double Product = 1;
    }

    private static readonly ConcurrentDictionary<(double Beta1, double Decay), Last> Products = new();

    public static double Mu(double beta1, double momentumDecay, long step) => beta1 * (1 - 0.5 * Math.Pow(0.96, step * momentumDecay));

    public static double Product(double beta1, double momentumDecay, long step)
    {
        var last = Products.GetOrAdd((beta1, momentumDecay), static _ => new Last());
        lock (last)
        {
            if (step < last.Step) (last.Step, last.Product) = (0, 1);
            for (; last.Step < step; last.Step++) last.Product *= Mu(beta1, momentumDecay, last.Step + 1);
            return last.Product;
        }
    }
}

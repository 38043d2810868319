using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>AdamW's hyperparameters, with torch.optim.AdamW's defaults.</summary>
/// <remarks>
/// <c>WeightDecay</c> defaults to <b>0.01</b>, PyTorch's default. TorchSharp's <c>torch.optim.AdamW(parameters)</c>
/// defaults <c>weight_decay</c> to 0: to reproduce a TorchSharp AdamW that relied on its default, pass
/// <c>WeightDecay: 0</c>.
/// </remarks>
public sealed record AdamWHyperparameters(
    double Lr = 1e-3,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Eps = 1e-8,
    double WeightDecay = 1e-2,
    bool AmsGrad = false) : Hyperparameters, IBetasHyperparameters
{
    /// <summary>The paper and the update equations (torch.optim's semantics where it has the algorithm), as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        AdamW — Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019, Algorithm 2,
        with torch.optim.AdamW's semantics: the decay is multiplied by lr and applied to θ before Adam's
        step, never folded into the gradient:

          θ ← θ · (1 − lr·λ)
          then Adam's step (see Adam.cs) on the raw gradient.
        """;

    /// <inheritdoc/>
    public override string Algorithm => "adamw";

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
        visitor.Visit(AdamRule.For(context, Beta1, Beta2, Eps, AmsGrad, decoupledWeightDecay: true));
}

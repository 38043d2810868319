using static TorchSharp.torch.optim;

namespace AdaptiveLR.Torch;

/// <summary>
/// TorchSharp's schedulers find the coefficient they cycle through <c>IMomentum</c> (CyclicLR) and
/// <c>IBetas</c> (OneCycleLR) on the optimizer and its groups, as its own SGD, RMSprop and Adam implement
/// them. Every algorithm with momentum or betas takes part; the others throw one clear line when asked.
/// </summary>
public sealed partial class AdaptiveOptimizer : IMomentum, IBetas
{
    /// <summary>
    /// The default momentum for groups added later: SGD's and RMSprop's <c>momentum</c>, β₁ for algorithms with
    /// betas (torch.optim's CyclicLR and OneCycleLR vary β₁ of Adam-like optimizers). The groups' own are
    /// <see cref="ParamGroup.Momentum"/>, which schedulers change.
    /// </summary>
    public double Momentum
    {
        get => CyclicCoefficients.Momentum(DefaultRecord);
        set => ((Options)_defaults).Hyperparameters = CyclicCoefficients.WithMomentum(DefaultRecord, value);
    }

    /// <summary>The default (β₁, β₂) for groups added later; (momentum, 0) for SGD and RMSprop.</summary>
    public (double, double) Betas
    {
        get => CyclicCoefficients.Betas(DefaultRecord);
        set => ((Options)_defaults).Hyperparameters = CyclicCoefficients.WithBetas(DefaultRecord, value);
    }

    private Pure.Core.Hyperparameters DefaultRecord => ((Options)_defaults).Hyperparameters!;
}

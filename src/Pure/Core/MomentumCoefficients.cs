namespace AdaptiveLR.Pure.Core;

/// <summary>
/// Hyperparameters with a momentum coefficient (SGD, RMSprop). Cyclic schedules vary it (TorchSharp's
/// <c>OneCycleLR</c> and <c>CyclicLR</c> with <c>cycle_momentum</c>); change it with
/// <see cref="Hyperparameters.With"/> and <see cref="HyperparameterSettings.Momentum"/>.
/// </summary>
public interface IMomentumHyperparameters
{
    /// <summary>The momentum coefficient, torch.optim's <c>momentum</c>.</summary>
    double Momentum { get; }
}

/// <summary>
/// Hyperparameters with Adam-style coefficients β₁ and β₂ (Adam, AdamW, Adamax, NAdam, RAdam, AdaBelief,
/// Yogi, Lion). Cyclic schedules vary β₁ as they vary SGD's momentum, as torch.optim's do.
/// </summary>
public interface IBetasHyperparameters
{
    /// <summary>β₁: the decay of the first moment (Lion: of the interpolation that gives the update's sign).</summary>
    double Beta1 { get; }

    /// <summary>β₂: the decay of the second moment (Lion: of the momentum it keeps).</summary>
    double Beta2 { get; }
}

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// Hyperparameter values a user gave (command line, configuration), each optional, named as in
/// torch.optim. An algorithm takes the ones it has and keeps its defaults for the rest.
/// </summary>
public sealed record HyperparameterSettings
{
    public double? Lr { get; init; }
    public double? Beta1 { get; init; }
    public double? Beta2 { get; init; }
    public double? Eps { get; init; }
    public double? WeightDecay { get; init; }
    public double? Momentum { get; init; }
    public double? Dampening { get; init; }
    public double? Alpha { get; init; }
    public double? LrDecay { get; init; }
    public double? InitialAccumulatorValue { get; init; }
    public double? Rho { get; init; }
    public double? MomentumDecay { get; init; }
    public double? Beta2Decay { get; init; }
    public double? Eps1 { get; init; }
    public double? Eps2 { get; init; }
    public double? ClipThreshold { get; init; }
    public bool? Centered { get; init; }
    public bool? Nesterov { get; init; }
    public bool? AmsGrad { get; init; }
    public bool? RelativeStep { get; init; }

    /// <summary>The torch.optim names of the settings that were given.</summary>
    public IEnumerable<string> GivenNames()
    {
        (string Name, bool Given)[] all =
        [
            ("lr", Lr.HasValue), ("beta1", Beta1.HasValue), ("beta2", Beta2.HasValue), ("eps", Eps.HasValue),
            ("weight_decay", WeightDecay.HasValue), ("momentum", Momentum.HasValue), ("dampening", Dampening.HasValue),
            ("alpha", Alpha.HasValue), ("lr_decay", LrDecay.HasValue), ("initial_accumulator_value", InitialAccumulatorValue.HasValue),
            ("rho", Rho.HasValue), ("momentum_decay", MomentumDecay.HasValue),
            ("beta2_decay", Beta2Decay.HasValue), ("eps1", Eps1.HasValue), ("eps2", Eps2.HasValue), ("clip_threshold", ClipThreshold.HasValue),
            ("centered", Centered.HasValue), ("nesterov", Nesterov.HasValue), ("amsgrad", AmsGrad.HasValue),
            ("relative_step", RelativeStep.HasValue),
        ];
        return all.Where(s => s.Given).Select(s => s.Name);
    }
}

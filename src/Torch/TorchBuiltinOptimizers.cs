using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch;

/// <summary>
/// TorchSharp's own optimizer for a hyperparameter record: the independent implementation our
/// algorithms are tested and benchmarked against, and <c>train --impl torch</c>.
/// </summary>
public static class TorchBuiltinOptimizers
{
    /// <summary>Whether TorchSharp has a built-in optimizer for the algorithm (Lion, AdaBelief and Yogi it has not).</summary>
    public static bool Has(Hyperparameters hyperparameters) =>
        hyperparameters is SgdHyperparameters or AdagradHyperparameters or RmsPropHyperparameters or AdamHyperparameters or AdamWHyperparameters
            or AdadeltaHyperparameters or AdamaxHyperparameters or NAdamHyperparameters or RAdamHyperparameters
            or RpropHyperparameters or AsgdHyperparameters;

    /// <summary>TorchSharp's optimizer with the record's values. Throws for algorithms it lacks (see <see cref="Has"/>).</summary>
    public static optim.Optimizer Create(Hyperparameters hyperparameters, IEnumerable<TorchSharp.Modules.Parameter> parameters) => hyperparameters switch
    {
        SgdHyperparameters h => optim.SGD(parameters, h.Lr, h.Momentum, h.Dampening, h.WeightDecay, h.Nesterov),
        AdagradHyperparameters h => optim.Adagrad(parameters, h.Lr, h.LrDecay, h.WeightDecay, h.InitialAccumulatorValue, h.Eps),
        RmsPropHyperparameters h => optim.RMSProp(parameters, h.Lr, h.Alpha, h.Eps, h.WeightDecay, h.Momentum, h.Centered),
        AdamHyperparameters h => optim.Adam(parameters, h.Lr, h.Beta1, h.Beta2, h.Eps, h.WeightDecay, h.AmsGrad),
        AdamWHyperparameters h => optim.AdamW(parameters, h.Lr, h.Beta1, h.Beta2, h.Eps, h.WeightDecay, h.AmsGrad),
        AdadeltaHyperparameters h => optim.Adadelta(parameters, h.Lr, h.Rho, h.Eps, h.WeightDecay),
        AdamaxHyperparameters h => optim.Adamax(parameters, h.Lr, h.Beta1, h.Beta2, h.Eps, h.WeightDecay),
        NAdamHyperparameters h => optim.NAdam(parameters, h.Lr, h.Beta1, h.Beta2, h.Eps, h.WeightDecay, h.MomentumDecay),
        RAdamHyperparameters h => optim.RAdam(parameters, h.Lr, h.Beta1, h.Beta2, h.Eps, h.WeightDecay),
        RpropHyperparameters h => optim.Rprop(parameters, h.Lr, h.Etaminus, h.Etaplus, h.StepSizeMin, h.StepSizeMax),
        AsgdHyperparameters h => optim.ASGD(parameters, h.Lr, h.Lambd, h.Alpha, h.T0, h.WeightDecay, h.Maximize),
        _ => throw new ArgumentException($"TorchSharp has no built-in optimizer for {hyperparameters.Algorithm}", nameof(hyperparameters)),
    };
}

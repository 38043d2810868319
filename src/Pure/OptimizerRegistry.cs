using System.Collections.Immutable;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure;

/// <summary>
/// Every algorithm by name. The CLI, the adapter and the benchmark enumerate this list; adding an
/// algorithm is one file in Algorithms/ and one entry here.
/// </summary>
public static class OptimizerRegistry
{
    private static readonly ImmutableArray<string> AdamSettings = ["lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"];

    /// <summary>Every algorithm: name, summary, settings it takes, defaults and reference.</summary>
    public static ImmutableArray<OptimizerDefinition> All { get; } =
    [
        new("sgd", "stochastic gradient descent with optional (Nesterov) momentum",
            ["lr", "momentum", "dampening", "weight_decay", "nesterov"], new SgdHyperparameters(), SgdHyperparameters.Reference),
        new("adagrad", "per-parameter step sizes from the sum of all squared gradients",
            ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"], new AdagradHyperparameters(), AdagradHyperparameters.Reference),
        new("rmsprop", "step sizes from a moving average of squared gradients",
            ["lr", "alpha", "eps", "weight_decay", "momentum", "centered"], new RmsPropHyperparameters(), RmsPropHyperparameters.Reference),
        new("adam", "bias-corrected moving averages of the gradient and its square", AdamSettings, new AdamHyperparameters(), AdamHyperparameters.Reference),
        new("adamw", "Adam with weight decay decoupled from the gradient", AdamSettings, new AdamWHyperparameters(), AdamWHyperparameters.Reference),
        new("amsgrad", "Adam whose denominator uses the running maximum of the second moment", AdamSettings, new AdamHyperparameters(AmsGrad: true), AdamHyperparameters.Reference),
        new("adadelta", "step sizes from the ratio of running averages of squared updates and squared gradients",
            ["lr", "rho", "eps", "weight_decay"], new AdadeltaHyperparameters(), AdadeltaHyperparameters.Reference),
        new("adamax", "Adam with the infinity norm of past gradients in the denominator", ["lr", "beta1", "beta2", "eps", "weight_decay"], new AdamaxHyperparameters(), AdamaxHyperparameters.Reference),
        new("nadam", "Adam with Nesterov momentum and a warming momentum schedule",
            ["lr", "beta1", "beta2", "eps", "weight_decay", "momentum_decay"], new NAdamHyperparameters(), NAdamHyperparameters.Reference),
        new("radam", "Adam with the variance of its adaptive step rectified; momentum SGD while it is intractable",
            ["lr", "beta1", "beta2", "eps", "weight_decay"], new RAdamHyperparameters(), RAdamHyperparameters.Reference),
        new("lion", "the sign of a momentum interpolation: every coordinate moves by lr", ["lr", "beta1", "beta2", "weight_decay"], new LionHyperparameters(), LionHyperparameters.Reference),
        new("adabelief", "Adam with the second moment of the gradient's surprise g - m", ["lr", "beta1", "beta2", "eps", "weight_decay"], new AdaBeliefHyperparameters(), AdaBeliefHyperparameters.Reference),
        new("yogi", "Adam whose second moment moves additively towards g^2", ["lr", "beta1", "beta2", "eps", "weight_decay", "initial_accumulator_value"],
            new YogiHyperparameters(), YogiHyperparameters.Reference),
        new("adafactor", "factored second moments (row and column averages), relative step sizes and update clipping",
            ["lr", "beta2_decay", "eps1", "eps2", "clip_threshold", "weight_decay", "relative_step"], new AdafactorHyperparameters(), AdafactorHyperparameters.Reference),
        new("prodigy", "learning-rate-free Adam: d, its step size, estimated from the distance travelled; lr stays 1",
            ["lr", "beta1", "beta2", "beta3", "eps", "weight_decay", "decouple", "use_bias_correction", "safeguard_warmup", "d0", "d_coef", "growth_rate", "slice_p"],
            new ProdigyHyperparameters(), ProdigyHyperparameters.Reference),
        new("dadapt-adam", "learning-rate-free Adam by D-Adaptation: a lower bound on the distance to the solution sets the step; lr stays 1",
            ["lr", "beta1", "beta2", "eps", "weight_decay", "decouple", "use_bias_correction", "d0", "growth_rate", "layer_scale"],
            new DAdaptAdamHyperparameters(), DAdaptAdamHyperparameters.Reference),
        new("lamb", "Adam's update scaled per tensor by the trust ratio ||theta|| / ||update||",
            ["lr", "beta1", "beta2", "eps", "weight_decay", "clamp_value", "adam", "exclude_from_trust"], new LambHyperparameters(), LambHyperparameters.Reference),
        new("rprop", "per-element step sizes grown while the gradient keeps its sign, shrunk when it flips; moves by the sign only",
            ["lr", "etaminus", "etaplus", "step_size_min", "step_size_max"], new RpropHyperparameters(), RpropHyperparameters.Reference),
        new("asgd", "SGD with a decaying step size and the running average of its iterates", ["lr", "lambd", "alpha", "t0", "weight_decay"],
            new AsgdHyperparameters(), AsgdHyperparameters.Reference),
        new("lars", "SGD with momentum on gradients rescaled per tensor by the trust ratio ||theta||/||g||",
            ["lr", "momentum", "dampening", "weight_decay", "nesterov", "eps", "trust_coef", "exclude_bias_and_norm"], new LarsHyperparameters(), LarsHyperparameters.Reference),
        new("schedulefree-adamw", "AdamW without a schedule: trains at an interpolation y of its Adam sequence z and their running average x, evaluates at x",
            ["lr", "beta1", "beta2", "eps", "weight_decay", "warmup_steps", "r", "weight_lr_power", "inner_momentum"],
            new ScheduleFreeAdamWHyperparameters(), ScheduleFreeAdamWHyperparameters.Reference),
        new("schedulefree-sgd", "SGD without a schedule: trains at an interpolation y of its SGD sequence z and their running average x, evaluates at x",
            ["lr", "momentum", "weight_decay", "warmup_steps", "r", "weight_lr_power"], new ScheduleFreeSgdHyperparameters(), ScheduleFreeSgdHyperparameters.Reference),
        new("muon", "momentum orthogonalised by Newton-Schulz for hidden matrices; AdamW for the other parameters",
            ["lr", "momentum", "weight_decay", "nesterov", "ns_steps", "adam_lr", "adam_beta1", "adam_beta2", "adam_eps", "adam_weight_decay"],
            new MuonHyperparameters(), MuonHyperparameters.Reference),
        new("adan", "Nesterov momentum from averages of the gradient and its differences; second moment of the Nesterov gradient",
            ["lr", "beta1", "beta2", "beta3", "eps", "weight_decay", "max_grad_norm", "no_prox"], new AdanHyperparameters(), AdanHyperparameters.Reference),
        new("adopt", "Adam with the gradient normalised by the previous steps' second moment before averaging, clipped",
            ["lr", "beta1", "beta2", "eps", "weight_decay", "decouple", "use_clipping"], new AdoptHyperparameters(), AdoptHyperparameters.Reference),
        new("ademamix", "Adam plus a slow, weighted average of old gradients, with warm-ups of its weight and decay",
            ["lr", "beta1", "beta2", "beta3", "alpha", "eps", "weight_decay", "alpha_warmup", "beta3_warmup"], new AdEMAMixHyperparameters(), AdEMAMixHyperparameters.Reference),
    ];

    /// <summary>The algorithms' registry names (<c>sgd</c>, <c>adam</c>, <c>amsgrad</c>, …).</summary>
    public static IEnumerable<string> Names => All.Select(d => d.Name);

    /// <summary>The algorithm called <paramref name="name"/>, or null.</summary>
    public static OptimizerDefinition? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}

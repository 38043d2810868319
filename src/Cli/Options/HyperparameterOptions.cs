using System.CommandLine;
using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.Options;

/// <summary>
/// <c>--optimizer</c> and the hyperparameter flags, named as in torch.optim (<c>weight_decay</c> is
/// <c>--weight-decay</c>), shared by every command that runs an optimizer.
/// </summary>
public sealed class HyperparameterOptions
{
    public Option<string> Optimizer { get; } = new("--optimizer", "-o")
    {
        Description = $"The algorithm: {string.Join(", ", OptimizerRegistry.Names)}",
        DefaultValueFactory = _ => "adam",
    };

    private readonly Option<double?> lr = NumberParsing.FiniteNumber("--lr", "Learning rate (> 0)");
    private readonly Option<double?> beta1 = NumberParsing.FiniteNumber("--beta1", "Adam family, Lion: decay of the first moment, in [0, 1)");
    private readonly Option<double?> beta2 = NumberParsing.FiniteNumber("--beta2", "Adam family: decay of the second moment (Lion: of the momentum), in [0, 1)");
    private readonly Option<double?> eps = NumberParsing.FiniteNumber("--eps", "Term added to the denominator (> 0)");
    private readonly Option<double?> weightDecay = NumberParsing.FiniteNumber("--weight-decay", "Weight decay (>= 0); decoupled for adamw");
    private readonly Option<double?> momentum = NumberParsing.FiniteNumber("--momentum", "SGD, RMSProp, LARS: momentum factor (>= 0); Muon: momentum, in [0, 1)");
    private readonly Option<double?> dampening = NumberParsing.FiniteNumber("--dampening", "SGD, LARS: dampening of momentum, in [0, 1]");
    private readonly Option<double?> alpha = NumberParsing.FiniteNumber("--alpha", "RMSProp: decay of the squared-gradient average, in [0, 1); ASGD: power of the eta decay (>= 0); AdEMAMix: weight of the slow average (>= 0)");
    private readonly Option<double?> lrDecay = NumberParsing.FiniteNumber("--lr-decay", "Adagrad: learning-rate decay (>= 0)");
    private readonly Option<double?> initialAccumulatorValue = NumberParsing.FiniteNumber("--initial-accumulator-value", "Adagrad: initial sum of squares (>= 0); Yogi: initial v (> 0)");
    private readonly Option<double?> rho = NumberParsing.FiniteNumber("--rho", "Adadelta: decay of the running averages, in [0, 1)");
    private readonly Option<double?> momentumDecay = NumberParsing.FiniteNumber("--momentum-decay", "NAdam: momentum schedule decay psi (>= 0)");
    private readonly Option<double?> beta2Decay = NumberParsing.FiniteNumber("--beta2-decay", "Adafactor: exponent c of the second-moment decay 1 - t^c, in [-1, 0)");
    private readonly Option<double?> eps1 = NumberParsing.FiniteNumber("--eps1", "Adafactor: term added to the squared gradient (> 0)");
    private readonly Option<double?> eps2 = NumberParsing.FiniteNumber("--eps2", "Adafactor: least parameter scale of the step (> 0)");
    private readonly Option<double?> clipThreshold = NumberParsing.FiniteNumber("--clip-threshold", "Adafactor: largest RMS of the update before clipping (> 0)");
    private readonly Option<int?> nsSteps = NumberParsing.BoundedInteger("--ns-steps", "Muon: Newton-Schulz iterations, an integer from 1 to 100", null, MuonHyperparameters.MaxNsSteps);
    private readonly Option<double?> adamLr = NumberParsing.FiniteNumber("--adam-lr", "Muon: learning rate of the parameters it steps with AdamW (> 0)");
    private readonly Option<double?> adamBeta1 = NumberParsing.FiniteNumber("--adam-beta1", "Muon: AdamW's beta1 for those parameters, in [0, 1)");
    private readonly Option<double?> adamBeta2 = NumberParsing.FiniteNumber("--adam-beta2", "Muon: AdamW's beta2 for those parameters, in [0, 1)");
    private readonly Option<double?> adamEps = NumberParsing.FiniteNumber("--adam-eps", "Muon: AdamW's eps for those parameters (> 0)");
    private readonly Option<double?> adamWeightDecay = NumberParsing.FiniteNumber("--adam-weight-decay", "Muon: AdamW's decoupled weight decay for those parameters (>= 0)");
    private readonly Option<double?> beta3 = NumberParsing.FiniteNumber("--beta3", "Prodigy: decay of the step-size estimate's sums, in [0, 1) (default sqrt(beta2)); Adan: of the squared Nesterov-gradient average; AdEMAMix: of the slow average");
    private readonly Option<double?> d0 = NumberParsing.FiniteNumber("--d0", "Prodigy, D-Adaptation: initial step-size estimate d0 (> 0)");
    private readonly Option<double?> dCoef = NumberParsing.FiniteNumber("--d-coef", "Prodigy: factor on the step-size estimate (> 0)");
    private readonly Option<double?> growthRate = NumberParsing.FiniteNumber("--growth-rate", "Prodigy, D-Adaptation: most the estimate d may grow per step (>= 1; default no limit)");
    private readonly Option<double?> sliceP = NumberParsing.FiniteNumber("--slice-p", "Prodigy: estimate d from every p-th element only (an integer >= 1; 11 saves memory)");
    private readonly Option<double?> layerScale = NumberParsing.FiniteNumber("--layer-scale", "D-Adaptation: scale of the group's step (> 0)");
    private readonly Option<double?> clampValue = NumberParsing.FiniteNumber("--clamp-value", "LAMB: largest weight norm in the trust ratio (> 0)");
    private readonly Option<bool> decouple = new("--decouple") { Description = "Prodigy, D-Adaptation, ADOPT: decoupled (AdamW-style) weight decay (Prodigy's default true, the others' false)" };
    private readonly Option<bool> useBiasCorrection = new("--use-bias-correction") { Description = "Prodigy, D-Adaptation: Adam's bias correction in the step size" };
    private readonly Option<bool> safeguardWarmup = new("--safeguard-warmup") { Description = "Prodigy: leave lr out of the estimate's denominator (for lr warm-up)" };
    private readonly Option<bool> adam = new("--adam") { Description = "LAMB: trust ratio 1 everywhere (Adam without bias correction, for comparison)" };
    private readonly Option<bool> excludeFromTrust = new("--exclude-from-trust") { Description = "LAMB: trust ratio 1 for 1-D parameters (biases, normalisation scales)" };
    private readonly Option<double?> etaminus = NumberParsing.FiniteNumber("--etaminus", "Rprop: step-size factor when the gradient's sign flips, in (0, 1)");
    private readonly Option<double?> etaplus = NumberParsing.FiniteNumber("--etaplus", "Rprop: step-size factor while the gradient's sign holds (> 1)");
    private readonly Option<double?> stepSizeMin = NumberParsing.FiniteNumber("--step-size-min", "Rprop: least step size (>= 0)");
    private readonly Option<double?> stepSizeMax = NumberParsing.FiniteNumber("--step-size-max", "Rprop: largest step size (>= --step-size-min, > 0)");
    private readonly Option<double?> lambd = NumberParsing.FiniteNumber("--lambd", "ASGD: decay term lambda (>= 0)");
    private readonly Option<double?> t0 = NumberParsing.FiniteNumber("--t0", "ASGD: step after which averaging starts (>= 0)");
    private readonly Option<double?> trustCoef = NumberParsing.FiniteNumber("--trust-coef", "LARS: trust coefficient of the layer-wise ratio (> 0)");
    private readonly Option<double?> warmupSteps = NumberParsing.FiniteNumber("--warmup-steps", "Schedule-Free: steps of its linear learning-rate warmup (a whole number >= 0)");
    private readonly Option<double?> r = NumberParsing.FiniteNumber("--r", "Schedule-Free: exponent of the step number in the averaging weight (>= 0)");
    private readonly Option<double?> weightLrPower = NumberParsing.FiniteNumber("--weight-lr-power", "Schedule-Free: exponent of the largest lr so far in the averaging weight (>= 0)");
    private readonly Option<double?> innerMomentum = NumberParsing.FiniteNumber("--inner-momentum", "Schedule-Free AdamW: momentum inside its Adam step, in [0, 1)");
    private readonly Option<double?> maxGradNorm = NumberParsing.FiniteNumber("--max-grad-norm", "Adan: clip the group's gradients to this norm first (>= 0; 0: no clipping)");
    private readonly Option<double?> alphaWarmup = NumberParsing.FiniteNumber("--alpha-warmup", "AdEMAMix: steps over which alpha rises from 0 (whole number >= 0; 0: none)");
    private readonly Option<double?> beta3Warmup = NumberParsing.FiniteNumber("--beta3-warmup", "AdEMAMix: steps over which beta3's half-life rises from beta1's (whole number >= 0; 0: none)");
    private readonly Option<bool> centered = new("--centered") { Description = "RMSProp: normalise by the centered second moment" };
    private readonly Option<bool> nesterov = new("--nesterov") { Description = "SGD, LARS: Nesterov momentum (needs --momentum > 0); Muon: Nesterov form of its momentum (default true)" };
    private readonly Option<bool> amsGrad = new("--amsgrad") { Description = "Adam, AdamW: use the running maximum of the second moment" };
    private readonly Option<bool> excludeBiasAndNorm = new("--exclude-bias-and-norm") { Description = "LARS: tensors of <= 1 dimension (biases, norm scales) take plain SGD: no trust ratio, no weight decay" };
    private readonly Option<bool> relativeStep = new("--relative-step") { Description = "Adafactor: step size min(lr, 1/sqrt(t)) (default true; --relative-step false for lr)" };
    private readonly Option<bool> noProx = new("--no-prox") { Description = "Adan: weight decay theta(1 - lr*wd) before the update instead of the proximal theta/(1 + lr*wd) after it" };
    private readonly Option<bool> useClipping = new("--use-clipping") { Description = "ADOPT: clip the normalised gradient at (t-1)^0.25 (default true; --use-clipping false for none)" };

    /// <param name="withOptimizer">Whether to offer <c>--optimizer</c>; <c>compare</c> names its optimizers with <c>--optimizers</c> and applies the flags to each.</param>
    public HyperparameterOptions(bool withOptimizer = true)
    {
        this.withOptimizer = withOptimizer;
    }

    private readonly bool withOptimizer;

    public IEnumerable<Option> All =>
        [.. withOptimizer ? [Optimizer] : Array.Empty<Option>(), lr, beta1, beta2, eps, weightDecay, momentum, dampening, alpha, lrDecay, initialAccumulatorValue, rho, momentumDecay, beta2Decay, eps1, eps2, clipThreshold, centered, nesterov, amsGrad, relativeStep,
           beta3, d0, dCoef, growthRate, sliceP, layerScale, clampValue, decouple, useBiasCorrection, safeguardWarmup, adam, excludeFromTrust,
           etaminus, etaplus, stepSizeMin, stepSizeMax, lambd, t0, trustCoef, excludeBiasAndNorm, warmupSteps, r, weightLrPower, innerMomentum,
           nsSteps, adamLr, adamBeta1, adamBeta2, adamEps, adamWeightDecay,
           maxGradNorm, alphaWarmup, beta3Warmup, noProx, useClipping];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    public HyperparameterSettings ReadSettings(ParseResult parsed) => new()
    {
        Lr = parsed.GetValue(lr),
        Beta1 = parsed.GetValue(beta1),
        Beta2 = parsed.GetValue(beta2),
        Eps = parsed.GetValue(eps),
        WeightDecay = parsed.GetValue(weightDecay),
        Momentum = parsed.GetValue(momentum),
        Dampening = parsed.GetValue(dampening),
        Alpha = parsed.GetValue(alpha),
        LrDecay = parsed.GetValue(lrDecay),
        InitialAccumulatorValue = parsed.GetValue(initialAccumulatorValue),
        Rho = parsed.GetValue(rho),
        MomentumDecay = parsed.GetValue(momentumDecay),
        Beta2Decay = parsed.GetValue(beta2Decay),
        Eps1 = parsed.GetValue(eps1),
        Eps2 = parsed.GetValue(eps2),
        ClipThreshold = parsed.GetValue(clipThreshold),
        Etaminus = parsed.GetValue(etaminus),
        Etaplus = parsed.GetValue(etaplus),
        StepSizeMin = parsed.GetValue(stepSizeMin),
        StepSizeMax = parsed.GetValue(stepSizeMax),
        Lambd = parsed.GetValue(lambd),
        T0 = parsed.GetValue(t0),
        TrustCoef = parsed.GetValue(trustCoef),
        ExcludeBiasAndNorm = Flag(parsed, excludeBiasAndNorm),
        WarmupSteps = parsed.GetValue(warmupSteps),
        R = parsed.GetValue(r),
        WeightLrPower = parsed.GetValue(weightLrPower),
        InnerMomentum = parsed.GetValue(innerMomentum),
        NsSteps = parsed.GetValue(nsSteps),
        AdamLr = parsed.GetValue(adamLr),
        AdamBeta1 = parsed.GetValue(adamBeta1),
        AdamBeta2 = parsed.GetValue(adamBeta2),
        AdamEps = parsed.GetValue(adamEps),
        AdamWeightDecay = parsed.GetValue(adamWeightDecay),
        Centered = Flag(parsed, centered),
        Nesterov = Flag(parsed, nesterov),
        AmsGrad = Flag(parsed, amsGrad),
        RelativeStep = Flag(parsed, relativeStep),
        Beta3 = parsed.GetValue(beta3),
        D0 = parsed.GetValue(d0),
        DCoef = parsed.GetValue(dCoef),
        GrowthRate = parsed.GetValue(growthRate),
        SliceP = parsed.GetValue(sliceP),
        LayerScale = parsed.GetValue(layerScale),
        ClampValue = parsed.GetValue(clampValue),
        Decouple = Flag(parsed, decouple),
        UseBiasCorrection = Flag(parsed, useBiasCorrection),
        SafeguardWarmup = Flag(parsed, safeguardWarmup),
        Adam = Flag(parsed, adam),
        ExcludeFromTrust = Flag(parsed, excludeFromTrust),
        MaxGradNorm = parsed.GetValue(maxGradNorm),
        AlphaWarmup = parsed.GetValue(alphaWarmup),
        Beta3Warmup = parsed.GetValue(beta3Warmup),
        NoProx = Flag(parsed, noProx),
        UseClipping = Flag(parsed, useClipping),
    };

    /// <summary>The validated hyperparameters of the chosen optimizer, or a usage error.</summary>
    public Hyperparameters Resolve(ParseResult parsed) => Resolve(parsed.GetValue(Optimizer) ?? "adam", ReadSettings(parsed));

    public static Hyperparameters Resolve(string optimizerName, HyperparameterSettings settings, string option = "--optimizer")
    {
        var definition = OptimizerRegistry.Find(optimizerName)
            ?? throw new UsageException($"{option}: unknown optimizer '{optimizerName}'{Messages.NearestNames.Hint(optimizerName, OptimizerRegistry.Names)}; allowed: {string.Join(", ", OptimizerRegistry.Names)}");
        foreach (string given in settings.GivenNames())
        {
            if (!definition.Settings.Contains(given))
                throw new UsageException($"{FlagName(given)} does not apply to {definition.Name}; its options: {string.Join(", ", definition.Settings.Select(FlagName))}");
        }
        var hyperparameters = definition.Configure(settings);
        var errors = hyperparameters.Validate();
        if (errors.Count > 0) throw new UsageException($"{FlagName(errors[0].Parameter)}: {errors[0].Problem}");
        return hyperparameters;
    }

    public static string FlagName(string torchName) => "--" + torchName.Replace('_', '-');

    private static bool? Flag(ParseResult parsed, Option<bool> option) =>
        parsed.GetResult(option) is { Implicit: false } ? parsed.GetValue(option) : null;
}

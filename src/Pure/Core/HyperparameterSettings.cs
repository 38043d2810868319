namespace AdaptiveLR.Pure.Core;

/// <summary>
/// Hyperparameter values a user gave (command line, configuration), each optional, named as in
/// torch.optim. An algorithm takes the ones it has and keeps its defaults for the rest.
/// </summary>
public sealed record HyperparameterSettings
{
    /// <summary>Learning rate (<c>lr</c>).</summary>
    public double? Lr { get; init; }
    /// <summary>β₁, the decay of the first moment (<c>beta1</c>).</summary>
    public double? Beta1 { get; init; }
    /// <summary>β₂, the decay of the second moment (<c>beta2</c>).</summary>
    public double? Beta2 { get; init; }
    /// <summary>ε, the term that keeps denominators from zero (<c>eps</c>).</summary>
    public double? Eps { get; init; }
    /// <summary>Weight decay λ (<c>weight_decay</c>): L2 or decoupled as the algorithm defines it.</summary>
    public double? WeightDecay { get; init; }
    /// <summary>Momentum coefficient of SGD and RMSprop (<c>momentum</c>).</summary>
    public double? Momentum { get; init; }
    /// <summary>SGD's dampening of the momentum (<c>dampening</c>).</summary>
    public double? Dampening { get; init; }
    /// <summary>RMSprop's smoothing constant (<c>alpha</c>).</summary>
    public double? Alpha { get; init; }
    /// <summary>Adagrad's learning-rate decay (<c>lr_decay</c>).</summary>
    public double? LrDecay { get; init; }
    /// <summary>Initial value of Adagrad's sum and Yogi's v (<c>initial_accumulator_value</c>).</summary>
    public double? InitialAccumulatorValue { get; init; }
    /// <summary>Adadelta's decay of its running averages (<c>rho</c>).</summary>
    public double? Rho { get; init; }
    /// <summary>NAdam's momentum decay ψ (<c>momentum_decay</c>).</summary>
    public double? MomentumDecay { get; init; }
    /// <summary>Adafactor's exponent of its increasing second-moment decay (<c>beta2_decay</c>).</summary>
    public double? Beta2Decay { get; init; }
    /// <summary>Adafactor's ε₁, added to the squared gradient (<c>eps1</c>).</summary>
    public double? Eps1 { get; init; }
    /// <summary>Adafactor's ε₂, the least parameter scale of the relative step (<c>eps2</c>).</summary>
    public double? Eps2 { get; init; }
    /// <summary>Adafactor's update clipping threshold d (<c>clip_threshold</c>).</summary>
    public double? ClipThreshold { get; init; }
    /// <summary>β₃: Prodigy's decay of its estimate's sums (not given: √β₂); Adan's of its squared Nesterov gradient; AdEMAMix's of its slow average (<c>beta3</c>).</summary>
    public double? Beta3 { get; init; }
    /// <summary>Prodigy, D-Adaptation: the initial step-size estimate d₀ (<c>d0</c>).</summary>
    public double? D0 { get; init; }
    /// <summary>Prodigy: the factor on the step-size estimate (<c>d_coef</c>).</summary>
    public double? DCoef { get; init; }
    /// <summary>Prodigy, D-Adaptation: the most d may grow per step (<c>growth_rate</c>; not given: no limit).</summary>
    public double? GrowthRate { get; init; }
    /// <summary>Prodigy: estimate d from every p-th element only (<c>slice_p</c>).</summary>
    public double? SliceP { get; init; }
    /// <summary>D-Adaptation: the group's scale of its step (<c>layer_scale</c>).</summary>
    public double? LayerScale { get; init; }
    /// <summary>LAMB: the largest weight norm in the trust ratio (<c>clamp_value</c>).</summary>
    public double? ClampValue { get; init; }
    /// <summary>Prodigy, D-Adaptation, ADOPT: decoupled (AdamW-style) weight decay (<c>decouple</c>).</summary>
    public bool? Decouple { get; init; }
    /// <summary>Prodigy, D-Adaptation: Adam's bias correction in the step size (<c>use_bias_correction</c>).</summary>
    public bool? UseBiasCorrection { get; init; }
    /// <summary>Prodigy: keep lr out of the denominator's sums during warm-up (<c>safeguard_warmup</c>).</summary>
    public bool? SafeguardWarmup { get; init; }
    /// <summary>LAMB: trust ratio 1 for every parameter (<c>adam</c>).</summary>
    public bool? Adam { get; init; }
    /// <summary>LAMB: trust ratio 1 for 1-D parameters, biases and normalisation scales (<c>exclude_from_trust</c>).</summary>
    public bool? ExcludeFromTrust { get; init; }
    /// <summary>Rprop's factor η₋ that shrinks a step size when the gradient's sign flips (<c>etaminus</c>, torch's <c>etas[0]</c>).</summary>
    public double? Etaminus { get; init; }
    /// <summary>Rprop's factor η₊ that grows a step size while the gradient's sign holds (<c>etaplus</c>, torch's <c>etas[1]</c>).</summary>
    public double? Etaplus { get; init; }
    /// <summary>Rprop's least step size (<c>step_size_min</c>, torch's <c>step_sizes[0]</c>).</summary>
    public double? StepSizeMin { get; init; }
    /// <summary>Rprop's largest step size (<c>step_size_max</c>, torch's <c>step_sizes[1]</c>).</summary>
    public double? StepSizeMax { get; init; }
    /// <summary>ASGD's decay term λ (<c>lambd</c>).</summary>
    public double? Lambd { get; init; }
    /// <summary>ASGD's step at which averaging starts (<c>t0</c>).</summary>
    public double? T0 { get; init; }
    /// <summary>LARS' trust coefficient η (<c>trust_coef</c>).</summary>
    public double? TrustCoef { get; init; }
    /// <summary>LARS: tensors of at most one dimension (biases, normalisation scales) take plain SGD, without trust ratio and weight decay (<c>exclude_bias_and_norm</c>).</summary>
    public bool? ExcludeBiasAndNorm { get; init; }
    /// <summary>Schedule-Free: steps over which its learning rate rises linearly to lr (<c>warmup_steps</c>, a whole number).</summary>
    public double? WarmupSteps { get; init; }
    /// <summary>Schedule-Free: exponent of the step number in the averaging weight (t+1)^r·lr_max^p (<c>r</c>).</summary>
    public double? R { get; init; }
    /// <summary>Schedule-Free: exponent p of the largest learning rate so far in the averaging weight (<c>weight_lr_power</c>).</summary>
    public double? WeightLrPower { get; init; }
    /// <summary>Schedule-Free AdamW: decay of an extra momentum of the gradient inside the Adam step (<c>inner_momentum</c>, 0 = none).</summary>
    public double? InnerMomentum { get; init; }
    /// <summary>Muon's Newton–Schulz iterations (<c>ns_steps</c>).</summary>
    public int? NsSteps { get; init; }
    /// <summary>Muon's learning rate of its AdamW tensors (<c>adam_lr</c>).</summary>
    public double? AdamLr { get; init; }
    /// <summary>Muon's β₁ of its AdamW tensors (<c>adam_beta1</c>).</summary>
    public double? AdamBeta1 { get; init; }
    /// <summary>Muon's β₂ of its AdamW tensors (<c>adam_beta2</c>).</summary>
    public double? AdamBeta2 { get; init; }
    /// <summary>Muon's ε of its AdamW tensors (<c>adam_eps</c>).</summary>
    public double? AdamEps { get; init; }
    /// <summary>Muon's decoupled weight decay of its AdamW tensors (<c>adam_weight_decay</c>).</summary>
    public double? AdamWeightDecay { get; init; }
    /// <summary>Adan: clip the gradients to this global norm first; 0 for none (<c>max_grad_norm</c>).</summary>
    public double? MaxGradNorm { get; init; }
    /// <summary>AdEMAMix: steps over which α rises linearly from 0; 0 for none (<c>alpha_warmup</c>).</summary>
    public double? AlphaWarmup { get; init; }
    /// <summary>AdEMAMix: steps over which β₃'s half-life rises linearly from β₁'s; 0 for none (<c>beta3_warmup</c>).</summary>
    public double? Beta3Warmup { get; init; }
    /// <summary>RMSprop: divide by the centred second moment (<c>centered</c>).</summary>
    public bool? Centered { get; init; }
    /// <summary>SGD: Nesterov momentum (<c>nesterov</c>).</summary>
    public bool? Nesterov { get; init; }
    /// <summary>Adam and AdamW: the AMSGrad variant (<c>amsgrad</c>).</summary>
    public bool? AmsGrad { get; init; }
    /// <summary>Adafactor: scale the step by the parameters' RMS (<c>relative_step</c>).</summary>
    public bool? RelativeStep { get; init; }
    /// <summary>Adan: weight decay as θ(1 − lr·λ) before the update instead of the proximal θ/(1 + lr·λ) after it (<c>no_prox</c>).</summary>
    public bool? NoProx { get; init; }
    /// <summary>ADOPT: clip the normalised gradient at (t − 1)^¼ (<c>use_clipping</c>).</summary>
    public bool? UseClipping { get; init; }

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
            ("etaminus", Etaminus.HasValue), ("etaplus", Etaplus.HasValue), ("step_size_min", StepSizeMin.HasValue), ("step_size_max", StepSizeMax.HasValue),
            ("lambd", Lambd.HasValue), ("t0", T0.HasValue), ("trust_coef", TrustCoef.HasValue), ("exclude_bias_and_norm", ExcludeBiasAndNorm.HasValue),
            ("warmup_steps", WarmupSteps.HasValue), ("r", R.HasValue), ("weight_lr_power", WeightLrPower.HasValue), ("inner_momentum", InnerMomentum.HasValue),
            ("centered", Centered.HasValue), ("nesterov", Nesterov.HasValue), ("amsgrad", AmsGrad.HasValue),
            ("relative_step", RelativeStep.HasValue),
            ("beta3", Beta3.HasValue), ("d0", D0.HasValue), ("d_coef", DCoef.HasValue), ("growth_rate", GrowthRate.HasValue),
            ("slice_p", SliceP.HasValue), ("layer_scale", LayerScale.HasValue), ("clamp_value", ClampValue.HasValue),
            ("decouple", Decouple.HasValue), ("use_bias_correction", UseBiasCorrection.HasValue), ("safeguard_warmup", SafeguardWarmup.HasValue),
            ("adam", Adam.HasValue), ("exclude_from_trust", ExcludeFromTrust.HasValue),
            ("ns_steps", NsSteps.HasValue), ("adam_lr", AdamLr.HasValue), ("adam_beta1", AdamBeta1.HasValue), ("adam_beta2", AdamBeta2.HasValue),
            ("adam_eps", AdamEps.HasValue), ("adam_weight_decay", AdamWeightDecay.HasValue),
            ("max_grad_norm", MaxGradNorm.HasValue), ("alpha_warmup", AlphaWarmup.HasValue), ("beta3_warmup", Beta3Warmup.HasValue),
            ("no_prox", NoProx.HasValue), ("use_clipping", UseClipping.HasValue),
        ];
        return all.Where(s => s.Given).Select(s => s.Name);
    }
}

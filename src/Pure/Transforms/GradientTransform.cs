using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Pure.Transforms;

/// <summary>
/// A gradient transformation chained in front of an algorithm, in the style of optax: clip by
/// global norm, clip by value, weight decay with a mask, gradient accumulation, lookahead. Each is
/// an immutable record; its arithmetic is in <see cref="TransformArithmetic"/>.
/// </summary>
public abstract record GradientTransform
{
    /// <summary>The transformation's name in messages and the configuration.</summary>
    public abstract string Name { get; }

    /// <summary>Every out-of-range value; empty when valid. Never throws.</summary>
    public abstract IReadOnlyList<ValidationError> Validate();
}

/// <summary>Scales all gradients together so that their global L2 norm is at most <c>MaxNorm</c> (torch's clip_grad_norm_, optax.clip_by_global_norm).</summary>
public sealed record ClipByGlobalNorm(double MaxNorm) : GradientTransform
{
    /// <inheritdoc/>
    public override string Name => "clip_grad_norm";
    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() => Allowed.Collect(Allowed.Positive("clip_grad_norm", MaxNorm));

    /// <summary>The factor every gradient is multiplied by, given their global norm (torch's: max_norm/(norm + 1e-6), at most 1).</summary>
    public double Factor(double globalNorm) => Math.Min(1, MaxNorm / (globalNorm + 1e-6));
}

/// <summary>Clips every gradient element into [−Limit, Limit] (torch's clip_grad_value_, optax.clip).</summary>
public sealed record ClipByValue(double Limit) : GradientTransform
{
    /// <inheritdoc/>
    public override string Name => "clip_grad_value";
    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() => Allowed.Collect(Allowed.Positive("clip_grad_value", Limit));
}

/// <summary>
/// Weight decay outside the algorithm, with the usual mask: biases and other 1-D parameters are
/// exempt. L2 adds λθ to the gradient (optax.add_decayed_weights before the rule); decoupled
/// multiplies θ by 1 − lr·λ before the update (AdamW-style, for any algorithm).
/// </summary>
public sealed record MaskedWeightDecay(double Rate, bool Decoupled = true, bool ExemptOneDimensional = true) : GradientTransform
{
    /// <inheritdoc/>
    public override string Name => Decoupled ? "decoupled_weight_decay" : "l2_weight_decay";
    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() => Allowed.Collect(Allowed.Positive(Name, Rate));

    /// <summary>Whether a parameter of this shape is decayed.</summary>
    public bool Applies(ReadOnlySpan<long> shape) => !ExemptOneDimensional || shape.Length >= 2;
}

/// <summary>
/// Gradient accumulation over <c>Steps</c> micro-batches (optax.MultiSteps): the first Steps − 1
/// calls only add up the gradients; the last updates with their mean.
/// </summary>
public sealed record AccumulateGradients(int Steps) : GradientTransform
{
    /// <inheritdoc/>
    public override string Name => "accumulate";
    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Steps >= 1 ? [] : [new ValidationError("accumulate", $"{Steps} is out of range; allowed: an integer >= 1")];
}

/// <summary>
/// Lookahead (Zhang, Lucas, Hinton &amp; Ba, "Lookahead Optimizer: k steps forward, 1 step back",
/// NeurIPS 2019): every <c>SyncPeriod</c> steps the slow weights move <c>Alpha</c> of the way to
/// the fast ones, φ ← φ + α(θ − φ), and the fast weights restart from them, θ ← φ.
/// </summary>
public sealed record Lookahead(int SyncPeriod = 5, double Alpha = 0.5) : GradientTransform
{
    /// <inheritdoc/>
    public override string Name => "lookahead";
    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            SyncPeriod >= 1 ? null : new ValidationError("lookahead", $"{SyncPeriod} is out of range; allowed: an integer >= 1"),
            Alpha is > 0 and <= 1 ? null : new ValidationError("lookahead_alpha", $"{Alpha} is out of range; allowed: a number in (0, 1]"));
}

/// <summary>An algorithm with the transformations in front of it: one optimizer.</summary>
public sealed record OptimizerChain(Hyperparameters Algorithm, ImmutableArray<GradientTransform> Transforms)
{
    /// <summary>The errors of the algorithm and of every transformation.</summary>
    public IReadOnlyList<ValidationError> Validate() =>
        [.. Algorithm.Validate(), .. Transforms.SelectMany(t => t.Validate()),
         .. Transforms.GroupBy(t => t.GetType()).Where(g => g.Count() > 1).Select(g => new ValidationError(g.First().Name, "is given more than once"))];

    /// <summary>The chain's transformation of type <typeparamref name="T"/>, or null.</summary>
    public T? Find<T>() where T : GradientTransform => Transforms.OfType<T>().FirstOrDefault();
}

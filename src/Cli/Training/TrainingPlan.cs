using System.Collections.Immutable;
using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Transforms;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// Everything that decides a run's numbers: the optimizer, who runs it, the batches and the seed,
/// the learning-rate schedule (over <see cref="Epochs"/>) and the gradient transformations; and what
/// a non-finite loss or gradient does.
/// </summary>
public sealed record TrainingPlan(Hyperparameters Hyperparameters, string Implementation, int BatchSize, int TestBatchSize, int Seed)
{
    /// <summary>The epochs the run is planned for: the length of cosine, warmup-cosine and one-cycle schedules.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>The model (<c>--model</c>): <c>cnn</c>, <c>mlp</c>, <c>logreg</c> or <c>quadratic</c>.</summary>
    public string Model { get; init; } = Models.ModelCatalog.Cnn;

    public ScheduleSettings Schedule { get; init; } = new();

    public ImmutableArray<GradientTransform> Transforms { get; init; } = [];

    public NonFinitePolicy NonFinite { get; init; } = NonFinitePolicy.Error;

    /// <summary>How ours keeps the optimizer state (<c>--state-precision</c>).</summary>
    public Pure.Core.StatePrecision StatePrecision { get; init; } = Pure.Core.StatePrecision.Float32;

    /// <summary>"adam(lr=0.001, …) [ours]".</summary>
    public string OptimizerDescription => $"{HyperparameterText.Describe(Hyperparameters)} [{Implementation}]";

    /// <summary>"clip_grad_norm=1, accumulate=4", or "none".</summary>
    public string TransformsDescription => Transforms.IsEmpty ? "none" : string.Join(", ", Transforms.Select(TransformText.Describe));
}

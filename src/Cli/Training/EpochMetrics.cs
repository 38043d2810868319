using System.Collections.Immutable;

namespace AdaptiveLR.Cli.Training;

/// <summary>The distribution over one layer's parameters (weights and biases) of the effective learning rate.</summary>
public sealed record LayerLearningRates(string Layer, double P10, double Median, double P90);

/// <summary>
/// What one epoch produced. <see cref="DataSeconds"/> is the part of <see cref="Seconds"/> spent
/// assembling batches; <see cref="EffectiveLearningRates"/> is empty where the state is not ours
/// (<c>--impl torch</c>). <see cref="LearningRate"/> is the rate of the epoch's first batch;
/// <see cref="SkippedSteps"/> counts batches skipped because their loss or a gradient was not finite.
/// </summary>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double TestLoss,
    double TestAccuracy,
    double Seconds,
    double DataSeconds,
    ImmutableArray<LayerLearningRates> EffectiveLearningRates,
    double LearningRate,
    long SkippedSteps);

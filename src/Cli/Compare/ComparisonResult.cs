using System.Collections.Immutable;
using AdaptiveLR.Cli.Training;

namespace AdaptiveLR.Cli.Compare;

/// <summary>One optimizer's run in a comparison: its plan and its epochs.</summary>
public sealed record ComparisonResult(TrainingPlan Plan, ImmutableList<EpochMetrics> Epochs)
{
    public string Optimizer => Plan.Hyperparameters.Algorithm;

    public EpochMetrics Final => Epochs[^1];

    public EpochMetrics Best => Epochs.MaxBy(e => e.TestAccuracy)!;

    public double Seconds => Epochs.Sum(e => e.Seconds);
}

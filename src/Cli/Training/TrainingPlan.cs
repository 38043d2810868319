using AdaptiveLR.Cli.Output;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.Training;

/// <summary>Everything that decides a run's numbers: the optimizer, who runs it, the batches and the seed.</summary>
public sealed record TrainingPlan(Hyperparameters Hyperparameters, string Implementation, int BatchSize, int TestBatchSize, int Seed)
{
    /// <summary>"adam(lr=0.001, …) [ours]".</summary>
    public string OptimizerDescription => $"{HyperparameterText.Describe(Hyperparameters)} [{Implementation}]";
}

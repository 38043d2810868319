using System.Collections.Immutable;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.Configuration;

/// <summary>The <c>Training</c> section: what <c>train</c> and <c>compare</c> run. Property initialisers are the built-in defaults.</summary>
public sealed record TrainingSettings
{
    public string Optimizer { get; init; } = "adam";
    public string Impl { get; init; } = OptimizerImplementation.Ours;
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;
    public int TestBatchSize { get; init; } = 1000;
    public int Seed { get; init; } = 1;
}

/// <summary>The <c>Data</c> section: an IDX dataset folder (null: the embedded MNIST subset) and optional limits on the splits.</summary>
public sealed record DataSettings
{
    public string? Folder { get; init; }
    public int? LimitTrain { get; init; }
    public int? LimitTest { get; init; }
}

/// <summary>The <c>Output</c> section: where metrics, plots and checkpoints go, and optional TensorBoard event files.</summary>
public sealed record OutputSettings
{
    public string Folder { get; init; } = "runs";
    public string? TensorBoard { get; init; }
}

/// <summary>The <c>Compare</c> section: the optimizers <c>compare</c> runs, comma-separated (by default the seed's six).</summary>
public sealed record CompareSettings
{
    public string Optimizers { get; init; } = "sgd,adagrad,rmsprop,adam,adamw,amsgrad";

    public ImmutableArray<string> OptimizerNames => [.. Optimizers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
}

/// <summary>The whole configuration, bound and validated: every optimizer's hyperparameters as the records of src/Pure.</summary>
public sealed record AdaptiveLRSettings
{
    public TrainingSettings Training { get; init; } = new();
    public DataSettings Data { get; init; } = new();
    public OutputSettings Output { get; init; } = new();
    public CompareSettings Compare { get; init; } = new();

    /// <summary>By registry name; an entry per algorithm of the registry.</summary>
    public ImmutableDictionary<string, Hyperparameters> Optimizers { get; init; } =
        OptimizerRegistry.All.ToImmutableDictionary(d => d.Name, d => d.Defaults);

    /// <summary>The hyperparameters of the optimizer <c>train</c> runs.</summary>
    public Hyperparameters ChosenOptimizer => Optimizers[Training.Optimizer];

    public TrainingPlan PlanFor(Hyperparameters hyperparameters) =>
        new(hyperparameters, Training.Impl, Training.BatchSize, Training.TestBatchSize, Training.Seed);
}

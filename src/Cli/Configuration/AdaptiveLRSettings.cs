using System.Collections.Immutable;
using AdaptiveLR.Cli.Data;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Transforms;

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

    /// <summary>The problem (<c>--problem</c>): IDX images (<c>mnist</c>), <c>noisy-quadratic</c> or <c>two-moons</c>.</summary>
    public string Problem { get; init; } = Problems.ProblemCatalog.Images;

    /// <summary>The model (<c>--model</c>); null: the problem's default (the seed's CNN for images).</summary>
    public string? Model { get; init; }

    /// <summary>
    /// Threads for LibTorch's intra-op and inter-op pools, and so for the adapter's core sharing,
    /// which never uses more threads than LibTorch's budget (README, "Threads").
    /// </summary>
    public int Threads { get; init; } = TrainingThreads.Default;

    /// <summary>How ours keeps the optimizer state: <c>fp32</c>, <c>bf16</c> or <c>int8</c> (8-bit block-wise codes).</summary>
    public string StatePrecision { get; init; } = StatePrecisionNames.Float32;

    /// <summary>What a NaN or infinite loss or gradient does: <c>error</c> stops the run, <c>skip</c> skips the step and counts it.</summary>
    public string NonFinite { get; init; } = NonFiniteHandling.Error;
}

/// <summary>
/// The <c>Data</c> section: an IDX dataset folder (null: the embedded MNIST subset), optional limits on
/// the splits, and the most decompressed IDX data a dataset may hold.
/// </summary>
public sealed record DataSettings
{
    public string? Folder { get; init; }
    public int? LimitTrain { get; init; }
    public int? LimitTest { get; init; }
    public long MaxBytes { get; init; } = IdxReader.DefaultMaxBytes;
}

/// <summary>
/// The <c>Output</c> section: the run folder for metrics, plots and checkpoints (null: a new folder
/// under <c>runs/</c> for every run), and optional TensorBoard event files.
/// </summary>
public sealed record OutputSettings
{
    public string? Folder { get; init; }
    public string? TensorBoard { get; init; }
}

/// <summary>The <c>Compare</c> section: the optimizers <c>compare</c> runs, comma-separated (by default the seed's six).</summary>
public sealed record CompareSettings
{
    public string Optimizers { get; init; } = "sgd,adagrad,rmsprop,adam,adamw,amsgrad";

    public ImmutableArray<string> OptimizerNames => [.. Optimizers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
}

/// <summary>
/// The <c>Schedule</c> section: the learning-rate schedule <c>train</c> and <c>compare</c> follow
/// (<c>constant</c> by default) and its parameters, named as the flags of <c>adaptivelr schedule</c>;
/// null means the schedule's default.
/// </summary>
public sealed record ScheduleSettings
{
    public string Name { get; init; } = "constant";
    public double? Gamma { get; init; }
    public int? StepSize { get; init; }
    public int? Warmup { get; init; }
    public double? MinLr { get; init; }
    public double? PctStart { get; init; }
    public double? DivFactor { get; init; }
    public double? FinalDivFactor { get; init; }
    public double? Factor { get; init; }
    public int? Patience { get; init; }
}

/// <summary>
/// The <c>Transforms</c> section: gradient transformations chained in front of the algorithm
/// (null or 1: not used).
/// </summary>
public sealed record TransformSettings
{
    public const string Decoupled = "decoupled", L2 = "l2";

    public double? ClipGradNorm { get; init; }
    public double? ClipGradValue { get; init; }
    public double? MaskedWeightDecay { get; init; }
    public string MaskedWeightDecayMode { get; init; } = Decoupled;
    public int Accumulate { get; init; } = 1;
    public int? Lookahead { get; init; }
    public double LookaheadAlpha { get; init; } = 0.5;

    /// <summary>The transformations these settings ask for, unvalidated, in the order the adapter applies them.</summary>
    public ImmutableArray<GradientTransform> Build() =>
    [
        .. Accumulate != 1 ? [new AccumulateGradients(Accumulate)] : Array.Empty<GradientTransform>(),
        .. ClipGradValue is { } limit ? [new ClipByValue(limit)] : Array.Empty<GradientTransform>(),
        .. ClipGradNorm is { } norm ? [new ClipByGlobalNorm(norm)] : Array.Empty<GradientTransform>(),
        .. MaskedWeightDecay is { } rate ? [new MaskedWeightDecay(rate, Decoupled: MaskedWeightDecayMode != L2)] : Array.Empty<GradientTransform>(),
        .. Lookahead is { } period ? [new Lookahead(period, LookaheadAlpha)] : Array.Empty<GradientTransform>(),
    ];
}

/// <summary>The whole configuration, bound and validated: every optimizer's hyperparameters as the records of src/Pure.</summary>
public sealed record AdaptiveLRSettings
{
    public TrainingSettings Training { get; init; } = new();
    public DataSettings Data { get; init; } = new();
    public OutputSettings Output { get; init; } = new();
    public CompareSettings Compare { get; init; } = new();
    public ScheduleSettings Schedule { get; init; } = new();
    public TransformSettings Transforms { get; init; } = new();

    /// <summary>By registry name; an entry per algorithm of the registry.</summary>
    public ImmutableDictionary<string, Hyperparameters> Optimizers { get; init; } =
        OptimizerRegistry.All.ToImmutableDictionary(d => d.Name, d => d.Defaults);

    /// <summary>The hyperparameters of the optimizer <c>train</c> runs.</summary>
    public Hyperparameters ChosenOptimizer => Optimizers[Training.Optimizer];

    public TrainingPlan PlanFor(Hyperparameters hyperparameters) =>
        new(hyperparameters, Training.Impl, Training.BatchSize, Training.TestBatchSize, Training.Seed)
        {
            Epochs = Training.Epochs,
            Model = Problems.ProblemCatalog.ModelOf(Training),
            Schedule = Schedule,
            Transforms = Transforms.Build(),
            NonFinite = NonFiniteHandling.Policy(Training.NonFinite),
            StatePrecision = StatePrecisionNames.Parse(Training.StatePrecision),
        };
}

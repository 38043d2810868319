using System.Diagnostics;
using AdaptiveLR.Cli.Data;
using TorchSharp;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// A problem's train and test splits — an IDX dataset folder, or a synthetic problem's samples —
/// loaded once for every epoch (and every optimizer of a comparison).
/// </summary>
public sealed class TrainingData : IDisposable
{
    public TrainingData(string description, Examples train, Examples test, TimeSpan loadTime, Objective objective = Objective.Classification, string problem = Problems.ProblemCatalog.Images)
    {
        Description = description;
        Train = train;
        Test = test;
        LoadTime = loadTime;
        Objective = objective;
        Problem = problem;
    }

    /// <summary>For people and for checkpoints: the folder, the embedded subset, or the synthetic problem.</summary>
    public string Description { get; }

    public Examples Train { get; }

    public Examples Test { get; }

    /// <summary>What the loss is: the NLL of a class, or the model's own output.</summary>
    public Objective Objective { get; }

    /// <summary>The problem's name (<c>--problem</c>), which decides the models that fit.</summary>
    public string Problem { get; }

    /// <summary>"images" for image data, "points" for the 2-D problem, …: what a split holds, for people.</summary>
    public string ExampleNoun => Problem == Problems.ProblemCatalog.Images ? "images" : "examples";

    /// <summary>Features per example, for models that flatten their input.</summary>
    public long InputFeatures
    {
        get
        {
            using var one = Train.Inputs(0, 1);
            return one.numel();
        }
    }

    /// <summary>
    /// A validation split carved from the training split — a fixed 1/<paramref name="parts"/> of it,
    /// drawn with a seed of its own so that every optimizer and seed sees the same split — as the
    /// test split of a new <see cref="TrainingData"/>. The test split is never used.
    /// </summary>
    public TrainingData WithValidationSplit(int parts = 5)
    {
        long[] order = Trainer.ShuffledOrder(Train.Count, ValidationSplitSeed);
        int validation = Math.Max(1, Train.Count / parts);
        return new TrainingData($"{Description}, validation split of the training set", Train.Subset(order[validation..]), Train.Subset(order[..validation]), LoadTime, Objective, Problem);
    }

    private const int ValidationSplitSeed = 20170630;

    /// <summary>Reading, decompressing and normalising both splits.</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>Loads <paramref name="folder"/> (the embedded subset when null); unusable data is a usage error naming the file.</summary>
    /// <param name="maxBytes">The limit on the decompressed size of both splits (see <see cref="IdxReader.DefaultMaxBytes"/>).</param>
    public static TrainingData Load(string? folder, int? limitTrain, int? limitTest, long maxBytes = IdxReader.DefaultMaxBytes)
    {
        // LibTorch's one-time start-up (loading native libraries) is not data loading: done before the clock starts.
        using (torch.zeros(1)) { }
        var clock = Stopwatch.StartNew();
        IdxDataset train, test;
        try
        {
            train = IdxReader.LoadSplit(folder ?? EmbeddedDataset.Folder, "train", maxBytes);
            test = IdxReader.LoadSplit(folder ?? EmbeddedDataset.Folder, "t10k", maxBytes, alreadyLoaded: train.Pixels.LongLength + train.Labels.LongLength);
        }
        catch (IdxFormatException e)
        {
            throw new UsageException($"{(folder is null ? EmbeddedDataset.Description : "--data")}: {e.Message}");
        }
        if (train.Rows != test.Rows || train.Columns != test.Columns)
            throw new UsageException($"--data: train images are {train.Rows}x{train.Columns} but test images {test.Rows}x{test.Columns}; both splits need the same size");
        if (train.Rows != SeedCnn.ImageSize || train.Columns != SeedCnn.ImageSize)
            throw new UsageException($"--data: images are {train.Rows}x{train.Columns}; the model needs {SeedCnn.ImageSize}x{SeedCnn.ImageSize} (MNIST-style) images");
        var trainImages = LabelledImages.From(train, limitTrain);
        var testImages = LabelledImages.From(test, limitTest);
        return new TrainingData(folder is null ? EmbeddedDataset.Description : Path.GetFullPath(folder), trainImages, testImages, clock.Elapsed);
    }

    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}

using System.Diagnostics;
using AdaptiveLR.Cli.Data;
using TorchSharp;

namespace AdaptiveLR.Cli.Training;

/// <summary>The train and test splits of one IDX dataset folder, loaded once for every epoch (and every optimizer of a comparison).</summary>
public sealed class TrainingData : IDisposable
{
    private TrainingData(string description, LabelledImages train, LabelledImages test, TimeSpan loadTime)
    {
        Description = description;
        Train = train;
        Test = test;
        LoadTime = loadTime;
    }

    /// <summary>For people and for checkpoints: the folder, or the embedded subset.</summary>
    public string Description { get; }

    public LabelledImages Train { get; }

    public LabelledImages Test { get; }

    /// <summary>Reading, decompressing and normalising both splits.</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>Loads <paramref name="folder"/> (the embedded subset when null); unusable data is a usage error naming the file.</summary>
    public static TrainingData Load(string? folder, int? limitTrain, int? limitTest)
    {
        // LibTorch's one-time start-up (loading native libraries) is not data loading: done before the clock starts.
        using (torch.zeros(1)) { }
        var clock = Stopwatch.StartNew();
        IdxDataset train, test;
        try
        {
            train = IdxReader.LoadSplit(folder ?? EmbeddedDataset.Folder, "train");
            test = IdxReader.LoadSplit(folder ?? EmbeddedDataset.Folder, "t10k");
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

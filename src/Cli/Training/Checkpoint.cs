using System.Collections.Immutable;
using AdaptiveLR.Cli.Output;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// A trainer's whole state in one file: what the run is (model, optimizer, hyperparameters, seed,
/// batches, data), the metrics of the completed epochs, the dropout generator's state, the model's
/// weights and the optimizer's state. Written atomically; read back only into a trainer of the same
/// run, so that resuming continues exactly where the run stopped.
/// </summary>
public static class Checkpoint
{
    public const string FileName = "checkpoint.bin";
    private const string Magic = "adaptivelr-checkpoint";
    private const int Version = 1;

    public static void Save(Trainer trainer, string path) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(Version);
            foreach (var (_, value) in Identity(trainer)) writer.Write(value);
            writer.Write(trainer.History.Count);
            foreach (var epoch in trainer.History) Write(writer, epoch);
            using (var rng = get_rng_state()) rng.Save(writer);
            trainer.Model.save(writer);
            trainer.Optimizer.save_state_dict(writer);
            writer.Flush();
        });

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="trainer"/>, a fresh trainer of the same run;
    /// a missing, foreign or unreadable checkpoint is a usage error naming the file.
    /// </summary>
    public static void Resume(Trainer trainer, string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--resume: no checkpoint at '{path}'; train without --resume first");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(File.ReadAllBytes(path)));
            if (reader.ReadString() != Magic) throw new InvalidDataException("not an adaptivelr checkpoint");
            int version = reader.ReadInt32();
            if (version != Version) throw new InvalidDataException($"checkpoint format {version}, this tool reads {Version}");
            foreach (var (what, expected) in Identity(trainer))
            {
                string found = reader.ReadString();
                if (found != expected)
                    throw new UsageException($"--resume: '{path}' is from another run: its {what} is {found}, this run's is {expected}; resume with the same settings or train into another --out");
            }
            int epochs = Count(reader.ReadInt32(), "epochs");
            var history = ImmutableList.CreateBuilder<EpochMetrics>();
            for (int i = 0; i < epochs; i++) history.Add(ReadEpoch(reader));
            using var rng = TensorExtensionMethods.Load(reader);
            trainer.Model.load(reader);
            trainer.Optimizer.load_state_dict(reader);
            set_rng_state(rng);
            trainer.History = history.ToImmutable();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new UsageException($"--resume: '{path}' is not a checkpoint of this run: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>A count read from the file, checked before anything is allocated for it.</summary>
    private static int Count(int count, string what) =>
        count is >= 0 and <= 100_000 ? count : throw new InvalidDataException($"corrupt: {count} {what}");

    /// <summary>What must match for a checkpoint to continue a run, as (what, value) for messages.</summary>
    private static IEnumerable<(string What, string Value)> Identity(Trainer trainer) =>
    [
        ("model", SeedCnn.Name),
        ("optimizer", trainer.Plan.OptimizerDescription),
        ("seed", trainer.Plan.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("batch size", trainer.Plan.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("data", $"{trainer.Data.Description} ({trainer.Data.Train.Count} train, {trainer.Data.Test.Count} test images)"),
    ];

    private static void Write(BinaryWriter writer, EpochMetrics epoch)
    {
        writer.Write(epoch.Epoch);
        foreach (double value in new[] { epoch.TrainLoss, epoch.TestLoss, epoch.TestAccuracy, epoch.Seconds, epoch.DataSeconds }) writer.Write(value);
        writer.Write(epoch.EffectiveLearningRates.Length);
        foreach (var layer in epoch.EffectiveLearningRates)
        {
            writer.Write(layer.Layer);
            writer.Write(layer.P10);
            writer.Write(layer.Median);
            writer.Write(layer.P90);
        }
    }

    private static EpochMetrics ReadEpoch(BinaryReader reader)
    {
        int epoch = reader.ReadInt32();
        double[] values = [.. Enumerable.Range(0, 5).Select(_ => reader.ReadDouble())];
        int layers = Count(reader.ReadInt32(), "layers");
        var rates = ImmutableArray.CreateBuilder<LayerLearningRates>(layers);
        for (int i = 0; i < layers; i++) rates.Add(new LayerLearningRates(reader.ReadString(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble()));
        return new EpochMetrics(epoch, values[0], values[1], values[2], values[3], values[4], rates.MoveToImmutable());
    }
}

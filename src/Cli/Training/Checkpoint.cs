using System.Collections.Immutable;
using System.Security.Cryptography;
using AdaptiveLR.Cli.Output;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// A trainer's whole state in one file, read back only into a trainer of the same run, so that
/// resuming continues exactly where the run stopped:
/// <code>
/// magic, format version,
/// header:  (what, value) pairs that identify the run — model, parameter shapes, optimizer and
///          hyperparameters, transformations, schedule, seed, batch size, data,
/// payload: the completed epochs' metrics, the dropout generator's state, the schedule's position,
///          the model's weights and the optimizer's state (each of the last two length-prefixed),
/// SHA-256 of everything before it.
/// </code>
/// Written atomically (temporary file, flush to disk, rename), so a reader sees the previous
/// checkpoint or the new one; the checksum is verified before anything is read, so a corrupt or
/// truncated file is refused with a clear message and never half-loaded.
/// </summary>
public static class Checkpoint
{
    public const string FileName = "checkpoint.bin";
    private const string Magic = "adaptivelr-checkpoint";
    private const int Version = 2;
    private const int ChecksumLength = 32;

    public static void Save(Trainer trainer, string path)
    {
        var content = new MemoryStream();
        using (var writer = new BinaryWriter(content, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            var identity = Identity(trainer).ToList();
            writer.Write(identity.Count);
            foreach (var (what, value) in identity)
            {
                writer.Write(what);
                writer.Write(value);
            }
            writer.Write(trainer.History.Count);
            foreach (var epoch in trainer.History) Write(writer, epoch);
            using (var rng = get_rng_state()) rng.Save(writer);
            trainer.Schedule.Save(writer);
            WriteSection(writer, w => trainer.Model.save(w));
            WriteSection(writer, w => trainer.Optimizer.save_state_dict(w));
        }
        byte[] checksum = SHA256.HashData(content.GetBuffer().AsSpan(0, (int)content.Length));
        content.Write(checksum);
        AtomicFile.Write(path, stream => content.WriteTo(stream));
    }

    /// <summary>What a checkpoint holds, its checksum verified: the run's identity, the epochs completed, and the raw model weights and optimizer state.</summary>
    public sealed record Contents(ImmutableArray<(string What, string Value)> Identity, ImmutableList<EpochMetrics> History, byte[] ModelWeights, byte[] OptimizerState);

    /// <summary>Reads and verifies <paramref name="path"/>; <see cref="InvalidDataException"/> for anything but an intact checkpoint of this format.</summary>
    public static Contents Read(string path) => Parse(File.ReadAllBytes(path), out _);

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="trainer"/>, a fresh trainer of the same run;
    /// a missing, foreign, corrupt or truncated checkpoint is a usage error naming the file, and the
    /// trainer is left as it was unless every part has been read.
    /// </summary>
    public static void Resume(Trainer trainer, string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--resume: no checkpoint at '{path}'; train without --resume first");
        try
        {
            var contents = Parse(File.ReadAllBytes(path), out var rest);
            var expected = Identity(trainer).ToList();
            foreach (var (what, value) in expected)
            {
                string found = contents.Identity.FirstOrDefault(i => i.What == what).Value ?? "missing";
                if (found != value)
                    throw new UsageException($"--resume: '{path}' is from another run: its {what} is {found}, this run's is {value}; resume with the same settings or train into another --out");
            }
            using var rng = TensorExtensionMethods.Load(rest);
            trainer.Schedule.Load(rest);
            trainer.Model.load(new BinaryReader(new MemoryStream(contents.ModelWeights)));
            trainer.Optimizer.load_state_dict(new BinaryReader(new MemoryStream(contents.OptimizerState)));
            set_rng_state(rng);
            trainer.History = contents.History;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new UsageException($"--resume: '{path}' is not a checkpoint of this run: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>Verifies the magic, the version and the checksum, then reads the header and the metrics; <paramref name="rest"/> is positioned at the generator's state.</summary>
    private static Contents Parse(byte[] bytes, out BinaryReader rest)
    {
        var reader = new BinaryReader(new MemoryStream(bytes));
        try
        {
            if (reader.ReadString() != Magic) throw new InvalidDataException("not an adaptivelr checkpoint");
            int version = reader.ReadInt32();
            if (version != Version) throw new InvalidDataException($"checkpoint format {version}, this tool reads {Version}");
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("not an adaptivelr checkpoint");
        }
        if (bytes.Length < reader.BaseStream.Position + ChecksumLength
            || !SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumLength)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - ChecksumLength)))
            throw new InvalidDataException("corrupt or truncated: its SHA-256 checksum does not match its content");

        int entries = Count(reader.ReadInt32(), "header entries");
        var identity = ImmutableArray.CreateBuilder<(string, string)>(entries);
        for (int i = 0; i < entries; i++) identity.Add((reader.ReadString(), reader.ReadString()));
        int epochs = Count(reader.ReadInt32(), "epochs");
        var history = ImmutableList.CreateBuilder<EpochMetrics>();
        for (int i = 0; i < epochs; i++) history.Add(ReadEpoch(reader));

        // The generator's state and the schedule's come first in the payload; the sections after them are found by skipping.
        long payload = reader.BaseStream.Position;
        using (TensorExtensionMethods.Load(reader)) { }
        SkipSchedule(reader);
        byte[] model = ReadSection(reader), optimizer = ReadSection(reader);
        reader.BaseStream.Position = payload;
        rest = reader;
        return new Contents(identity.MoveToImmutable(), history.ToImmutable(), model, optimizer);
    }

    private static void SkipSchedule(BinaryReader reader)
    {
        reader.ReadInt64();
        if (reader.ReadBoolean()) reader.ReadBytes(8 + 8 + 4 + 4);
    }

    private static void WriteSection(BinaryWriter writer, Action<BinaryWriter> write)
    {
        using var section = new MemoryStream();
        using (var sectionWriter = new BinaryWriter(section, System.Text.Encoding.UTF8, leaveOpen: true)) write(sectionWriter);
        writer.Write(section.Length);
        writer.Write(section.GetBuffer(), 0, (int)section.Length);
    }

    private static byte[] ReadSection(BinaryReader reader)
    {
        long length = reader.ReadInt64();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position) throw new InvalidDataException($"corrupt: a section of {length} bytes");
        return reader.ReadBytes((int)length);
    }

    /// <summary>A count read from the file, checked before anything is allocated for it.</summary>
    private static int Count(int count, string what) =>
        count is >= 0 and <= 100_000 ? count : throw new InvalidDataException($"corrupt: {count} {what}");

    /// <summary>What must match for a checkpoint to continue a run, as (what, value) for messages.</summary>
    private static IEnumerable<(string What, string Value)> Identity(Trainer trainer) =>
    [
        ("model", Models.ModelCatalog.Describe(trainer.Plan.Model, trainer.Data)),
        ("parameters", string.Join(", ", trainer.Model.named_parameters().Select(p => $"{p.name}[{string.Join('x', p.parameter.shape)}]"))),
        ("optimizer", trainer.Plan.OptimizerDescription),
        ("chain of gradient transformations", trainer.Plan.TransformsDescription),
        ("schedule", trainer.Schedule.Description),
        ("seed", trainer.Plan.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("batch size", trainer.Plan.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("data", $"{trainer.Data.Description} ({trainer.Data.Train.Count} train, {trainer.Data.Test.Count} test images)"),
    ];

    private static void Write(BinaryWriter writer, EpochMetrics epoch)
    {
        writer.Write(epoch.Epoch);
        foreach (double value in new[] { epoch.TrainLoss, epoch.TestLoss, epoch.TestAccuracy, epoch.Seconds, epoch.DataSeconds, epoch.LearningRate }) writer.Write(value);
        writer.Write(epoch.SkippedSteps);
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
        double[] values = [.. Enumerable.Range(0, 6).Select(_ => reader.ReadDouble())];
        long skipped = reader.ReadInt64();
        int layers = Count(reader.ReadInt32(), "layers");
        var rates = ImmutableArray.CreateBuilder<LayerLearningRates>(layers);
        for (int i = 0; i < layers; i++) rates.Add(new LayerLearningRates(reader.ReadString(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble()));
        return new EpochMetrics(epoch, values[0], values[1], values[2], values[3], values[4], rates.MoveToImmutable(), values[5], skipped);
    }
}

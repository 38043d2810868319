using System.Collections.Immutable;
using System.Security.Cryptography;
using AdaptiveLR.Cli.Input;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Torch;
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

    /// <summary>The largest checkpoint read (the seed's CNN with the largest optimizer state is about 0.5 MB); anything larger is refused unread.</summary>
    public const long MaxBytes = 64L << 20;

    /// <summary>What a checkpoint holds, its checksum verified: the run's identity, the epochs completed, and the raw model weights and optimizer state.</summary>
    public sealed record Contents(ImmutableArray<(string What, string Value)> Identity, ImmutableList<EpochMetrics> History, byte[] ModelWeights, byte[] OptimizerState);

    /// <summary>Reads and verifies <paramref name="path"/>; <see cref="InvalidDataException"/> for anything but an intact checkpoint of this format in a regular file.</summary>
    public static Contents Read(string path) => Parse(RegularFile.ReadAll(path, MaxBytes)).Contents;

    /// <summary>Why the checkpoint at <paramref name="path"/> cannot continue <paramref name="trainer"/>'s run ("its optimizer is …"), or null if it can.</summary>
    public static string? Mismatch(Trainer trainer, string path)
    {
        try
        {
            return IdentityMismatch(Read(path).Identity, trainer);
        }
        catch (InvalidDataException e)
        {
            return $"its {FileName} is unreadable ({e.Message})";
        }
    }

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="trainer"/>, a fresh trainer of the same run.
    /// Every section is checked against the run's model and data before a tensor is created: the
    /// identity, the history (numbered epochs, plausible values, as many as the schedule's position
    /// says), the generator's state, every weight's name, dtype and shape and finiteness, the
    /// optimizer's state likewise, and no bytes after the last section. Anything else is a usage
    /// error naming the file; the SHA-256 only catches accidents, since anyone can recompute it.
    /// </summary>
    public static void Resume(Trainer trainer, string path)
    {
        if (!File.Exists(path) && new FileInfo(path).LinkTarget is null) throw new UsageException($"--resume: no checkpoint at '{path}'; train without --resume first");
        try
        {
            var parsed = Parse(RegularFile.ReadAll(path, MaxBytes));
            if (IdentityMismatch(parsed.Contents.Identity, trainer) is { } mismatch)
                throw new UsageException($"--resume: '{path}' is from another run: {mismatch}; resume with the same settings or train into another --out");
            CheckHistory(parsed.Contents.History, parsed.SchedulePosition, trainer);
            CheckWeights(parsed.Contents.ModelWeights, trainer.Model);

            var rest = parsed.Rest;
            using var rng = SerializedTensor.Read(rest, ScalarType.Byte, GeneratorShape.Value, "the generator's state");
            trainer.Schedule.Load(rest);
            trainer.Model.load(new BinaryReader(new MemoryStream(parsed.Contents.ModelWeights)));
            trainer.Optimizer.load_state_dict(new BinaryReader(new MemoryStream(parsed.Contents.OptimizerState)));
            BuiltinOptimizerState.CheckFinite(trainer.Optimizer);
            set_rng_state(rng);
            trainer.History = parsed.Contents.History;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or FormatException or OverflowException or UnauthorizedAccessException)
        {
            throw new UsageException($"--resume: '{path}' is not a checkpoint of this run: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static string? IdentityMismatch(ImmutableArray<(string What, string Value)> found, Trainer trainer)
    {
        foreach (var (what, value) in Identity(trainer))
        {
            string theirs = found.FirstOrDefault(i => i.What == what).Value ?? "missing";
            if (theirs != value) return $"its {what} is {theirs}, this run's is {value}";
        }
        return null;
    }

    /// <summary>Epochs 1..n in order with plausible values, and n agreeing with the schedule's position (n × batches per epoch).</summary>
    private static void CheckHistory(ImmutableList<EpochMetrics> history, long schedulePosition, Trainer trainer)
    {
        if (history.Count == 0) throw new InvalidDataException("corrupt: it holds no completed epoch");
        long batches = trainer.BatchesPerEpoch;
        if (schedulePosition != history.Count * batches)
            throw new InvalidDataException($"corrupt: its history claims {history.Count} epochs but its schedule stands after {schedulePosition} batches ({batches} per epoch)");
        // The layers as EffectiveLearningRates names them: each parameter's module path.
        string[] layers = [.. trainer.Model.named_parameters().Select(p => p.name.LastIndexOf('.') is var dot and > 0 ? p.name[..dot] : p.name).Distinct()];
        for (int i = 0; i < history.Count; i++)
        {
            var epoch = history[i];
            string? problem =
                epoch.Epoch != i + 1 ? $"epoch number {epoch.Epoch} in place {i + 1}"
                : !(epoch.TestAccuracy is >= 0 and <= 1) ? $"test accuracy {epoch.TestAccuracy}"
                : !(double.IsFinite(epoch.Seconds) && epoch.Seconds >= 0 && double.IsFinite(epoch.DataSeconds) && epoch.DataSeconds >= 0) ? "a negative or non-finite time"
                : !double.IsFinite(epoch.LearningRate) ? $"learning rate {epoch.LearningRate}"
                : epoch.SkippedSteps < 0 || epoch.SkippedSteps > batches ? $"{epoch.SkippedSteps} skipped steps of {batches}"
                : epoch.EffectiveLearningRates.Length > 0 && !epoch.EffectiveLearningRates.Select(l => l.Layer).SequenceEqual(layers) ? "effective learning rates of other layers"
                : null;
            if (problem is not null) throw new InvalidDataException($"corrupt: epoch {i + 1} of its history has {problem}");
        }
    }

    /// <summary>The model section (TorchSharp's <c>Module.save</c>: LEB128 count, then name and tensor per entry) against the model's own state, creating nothing.</summary>
    private static void CheckWeights(byte[] section, torch.nn.Module model)
    {
        var expected = model.state_dict();
        var reader = new BinaryReader(new MemoryStream(section));
        long count = SerializedTensor.Leb128(reader, "the model's weights");
        if (count != expected.Count) throw new InvalidDataException($"corrupt: {count} weight tensors, the model has {expected.Count}");
        var seen = new HashSet<string>();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            if (!expected.TryGetValue(name, out var weights) || !seen.Add(name)) throw new InvalidDataException($"corrupt: weights '{name}' are not the model's or appear twice");
            SerializedTensor.Skip(reader, weights.dtype, weights.shape, $"weights '{name}'");
        }
        if (reader.BaseStream.Position != section.Length) throw new InvalidDataException($"corrupt: {section.Length - reader.BaseStream.Position} bytes after the model's weights");
    }

    /// <summary>The shape of TorchSharp's CPU generator state (the Mersenne Twister's 5056 bytes).</summary>
    private static readonly Lazy<long[]> GeneratorShape = new(() =>
    {
        using var state = get_rng_state();
        return state.shape;
    });

    private sealed record Parsed(Contents Contents, long SchedulePosition, BinaryReader Rest);

    /// <summary>
    /// Verifies the magic, the version and the checksum, then reads the header, the metrics, the
    /// generator state's layout, the schedule and the sections, and that nothing follows them;
    /// <see cref="Parsed.Rest"/> is positioned at the generator's state.
    /// </summary>
    private static Parsed Parse(byte[] bytes)
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
        // Only the checksummed part is read from here on: a section running into the checksum is truncated.
        reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - ChecksumLength)) { BaseStream = { Position = reader.BaseStream.Position } };

        try
        {
            int entries = Count(reader.ReadInt32(), "header entries");
            var identity = ImmutableArray.CreateBuilder<(string, string)>(entries);
            for (int i = 0; i < entries; i++) identity.Add((reader.ReadString(), reader.ReadString()));
            int epochs = Count(reader.ReadInt32(), "epochs");
            var history = ImmutableList.CreateBuilder<EpochMetrics>();
            for (int i = 0; i < epochs; i++) history.Add(ReadEpoch(reader));

            // The generator's state and the schedule's come first in the payload; the sections after them are found by skipping.
            long payload = reader.BaseStream.Position;
            SerializedTensor.Skip(reader, ScalarType.Byte, GeneratorShape.Value, "the generator's state");
            long position = SkipSchedule(reader);
            byte[] model = ReadSection(reader), optimizer = ReadSection(reader);
            if (reader.BaseStream.Position != reader.BaseStream.Length)
                throw new InvalidDataException($"corrupt: {reader.BaseStream.Length - reader.BaseStream.Position} bytes after the last section");
            reader.BaseStream.Position = payload;
            return new Parsed(new Contents(identity.MoveToImmutable(), history.ToImmutable(), model, optimizer), position, reader);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("corrupt: a section runs past the end of the file");
        }
    }

    /// <summary>Moves past the schedule's state; returns its position (batches trained).</summary>
    private static long SkipSchedule(BinaryReader reader)
    {
        long position = reader.ReadInt64();
        if (reader.ReadBoolean()) reader.ReadBytes(8 + 8 + 4 + 4);
        return position;
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
        ("optimizer state precision (--state-precision)", StatePrecisionNames.Of(trainer.Plan.StatePrecision)),
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

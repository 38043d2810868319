using System.Diagnostics;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>One trained run per implementation, copied by each test that crafts a checkpoint from it.</summary>
public sealed class TrainedRuns : IDisposable
{
    public static readonly string[] Slice = ["--limit-train", "256", "--limit-test", "128"];

    public TemporaryFolder Folder { get; } = new();

    public TrainedRuns()
    {
        foreach (string impl in new[] { "ours", "torch" })
            CliRun.Of(["train", "--epochs", "1", "--impl", impl, "--out", Folder[impl], .. Slice]).Succeeded();
    }

    public void Dispose() => Folder.Dispose();
}

/// <summary>
/// Hostile checkpoints — the SHA-256 is a checksum, not a signature, so each is re-signed as an
/// adversary would — and special files in place of checkpoint.bin: every one is refused with one
/// line and exit code 2 before a tensor is created, and nothing in the run's folder changes.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class MalformedCheckpointTests(TrainedRuns trained) : IClassFixture<TrainedRuns>, IDisposable
{
    private const long Huge = 1L << 40;
    private static readonly byte[] Conv1WeightHeader = [6, 4, 10, 1, 5, 5]; // float32, rank 4, 10x1x5x5
    private readonly TemporaryFolder folder = new();

    public static TheoryData<string, string> Crafted() => new()
    {
        { "generator-shape", "the generator's state: size 1099511627776 in dimension 0" },
        { "weights-type-code", "weights 'conv1.weight': element type code 99, expected 6 (Float32)" },
        { "weights-all-nan", "weights 'conv1.weight': element 0 is not finite" },
        { "weights-shape", "weights 'conv1.weight': size 1099511627776 in dimension 0" },
        { "history-of-50-epochs", "its history claims 50 epochs but its schedule stands after 4 batches" },
        { "trailing-bytes", "16 bytes after the last section" },
        { "state-nan", "parameter 'conv1.weight': state quantity m: element 0 is not finite" },
        { "state-shape", "parameter 'conv1.weight': state quantity m: size 1099511627776 in dimension 0" },
        { "state-type-code", "parameter 'conv1.weight': state quantity m: element type code 99" },
        { "torch-state-nan", "the optimizer's exp_avg of parameter 0 is not finite" },
    };

    [Theory]
    [MemberData(nameof(Crafted))]
    public void CraftedCheckpointsAreRefusedBeforeAnyTensorExists(string craft, string expected)
    {
        string impl = craft.StartsWith("torch", StringComparison.Ordinal) ? "torch" : "ours";
        string run = CopyOfRun(impl);
        var checkpoint = CraftedCheckpoint.Read(Path.Combine(run, "checkpoint.bin"));
        Craft(checkpoint, craft);
        checkpoint.Save(Path.Combine(run, "checkpoint.bin"));

        AssertRefused(run, impl, expected);
    }

    [Fact]
    public void ASymbolicLinkToDevZeroIsRefusedUnread()
    {
        string run = CopyOfRun("ours");
        File.Delete(Path.Combine(run, "checkpoint.bin"));
        File.CreateSymbolicLink(Path.Combine(run, "checkpoint.bin"), "/dev/zero");
        AssertRefused(run, "ours", "is a character device (a symbolic link to /dev/zero), not a regular file");
    }

    [Fact]
    public void AFifoIsRefusedWithoutWaitingForAWriter()
    {
        string run = CopyOfRun("ours");
        File.Delete(Path.Combine(run, "checkpoint.bin"));
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(run, "checkpoint.bin"))!)
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        AssertRefused(run, "ours", "is a FIFO (named pipe), not a regular file");
    }

    public void Dispose() => folder.Dispose();

    private void AssertRefused(string run, string impl, string expected)
    {
        byte[] metrics = File.ReadAllBytes(Path.Combine(run, "metrics.csv"));
        string line = CliRun.Of(["train", "--resume", "--epochs", "2", "--impl", impl, "--out", run, .. TrainedRuns.Slice]).FailedWithUsageError();
        Assert.Contains("is not a checkpoint of this run: ", line);
        Assert.Contains(expected, line);
        Assert.Equal(metrics, File.ReadAllBytes(Path.Combine(run, "metrics.csv")));
    }

    private string CopyOfRun(string impl)
    {
        string run = folder[impl];
        Directory.CreateDirectory(run);
        foreach (string file in new[] { "checkpoint.bin", "metrics.csv", "metrics.json" })
            File.Copy(Path.Combine(trained.Folder[impl], file), Path.Combine(run, file));
        return run;
    }

    private static void Craft(CraftedCheckpoint c, string craft)
    {
        int generatorSize = c.GeneratorAt + 2; // Byte type code 0, rank 1, then the size
        int weights = c.Find(Conv1WeightHeader, c.ModelSectionAt);
        int slot = c.Find([1, .. Conv1WeightHeader], c.OptimizerSectionAt) + 1; // present, then the tensor
        switch (craft)
        {
            case "generator-shape":
                c.Splice(generatorSize, CraftedCheckpoint.Leb128(5056).Length, CraftedCheckpoint.Leb128(Huge));
                break;
            case "weights-type-code":
                c.Content[weights] = 99;
                break;
            case "weights-all-nan":
                foreach (int at in Enumerable.Range(0, 250)) BitConverter.GetBytes(float.NaN).CopyTo(c.Content, weights + Conv1WeightHeader.Length + 4 * at);
                break;
            case "weights-shape":
                SpliceInSection(c, c.ModelSectionAt, weights + 2, 1, CraftedCheckpoint.Leb128(Huge));
                break;
            case "history-of-50-epochs":
                byte[] epoch = c.Content[c.FirstEpochAt..c.GeneratorAt];
                var epochs = Enumerable.Range(2, 49).SelectMany(n => BitConverter.GetBytes(n).Concat(epoch[4..])).ToArray();
                c.Splice(c.GeneratorAt, 0, epochs);
                BitConverter.GetBytes(50).CopyTo(c.Content, c.EpochCountAt);
                break;
            case "trailing-bytes":
                c.Splice(c.End, 0, new byte[16]);
                break;
            case "state-nan":
                BitConverter.GetBytes(float.NaN).CopyTo(c.Content, slot + Conv1WeightHeader.Length);
                break;
            case "state-shape":
                SpliceInSection(c, c.OptimizerSectionAt, slot + 2, 1, CraftedCheckpoint.Leb128(Huge));
                break;
            case "state-type-code":
                c.Content[slot] = 99;
                break;
            case "torch-state-nan":
                BitConverter.GetBytes(float.NaN).CopyTo(c.Content, c.Find(Conv1WeightHeader, c.OptimizerSectionAt) + Conv1WeightHeader.Length);
                break;
            default:
                throw new ArgumentException(craft);
        }
    }

    /// <summary>A splice inside a length-prefixed section, whose length is adjusted so that only the crafted part is wrong.</summary>
    private static void SpliceInSection(CraftedCheckpoint c, int section, int at, int length, byte[] replacement)
    {
        long sectionLength = BitConverter.ToInt64(c.Content, section);
        c.Splice(at, length, replacement);
        BitConverter.GetBytes(sectionLength + replacement.Length - length).CopyTo(c.Content, section);
    }
}

using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// Input built to exhaust memory or to hang — gzip bombs as IDX files, FIFOs and links to
/// <c>/dev/zero</c> as data or configuration — given to the built tool as a child process whose peak
/// memory is watched: each is one line and exit code 2, within a memory limit the test checks.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class HostileInputTests(ITestOutputHelper log) : IDisposable
{
    /// <summary>The tool with TorchSharp loaded peaks near 200 MB; every bomb here would take it past 1.5 GB.</summary>
    private const long MemoryLimit = 700_000_000;

    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(90);
    private readonly TemporaryFolder folder = new();

    public static TheoryData<string, string> Bombs() => new()
    {
        // 2,739,137 declared images (2.1 GB), 800 MB of zeros really inside, 10 labels.
        { "images-declare-millions", "image and label counts differ: 2739137 images" },
        // 2,147,483,591 declared labels, 800 MB of zeros really inside, 3 images.
        { "labels-declare-billions", "has 2147483591 labels" },
        // 1,400,000 images and labels, every byte present: 1.1 GB of genuine-looking data in a 1 MB folder.
        { "matched-over-limit", "over the limit of 1,073,741,824 bytes" },
    };

    [Theory]
    [MemberData(nameof(Bombs))]
    public void GzipBombsAreRefusedFromTheirHeadersWithinTheMemoryLimit(string bomb, string expected)
    {
        string data = folder[bomb];
        Directory.CreateDirectory(data);
        string images = Path.Combine(data, "train-images-idx3-ubyte.gz"), labels = Path.Combine(data, "train-labels-idx1-ubyte.gz");
        switch (bomb)
        {
            case "images-declare-millions":
                GzipBomb.Images(images, 2_739_137, 800_000_000);
                GzipBomb.Labels(labels, 10, 10);
                break;
            case "labels-declare-billions":
                GzipBomb.Images(images, 3, 3 * 784);
                GzipBomb.Labels(labels, 2_147_483_591, 800_000_000);
                break;
            case "matched-over-limit":
                GzipBomb.Images(images, 1_400_000, 1_400_000L * 784);
                GzipBomb.Labels(labels, 1_400_000, 1_400_000);
                break;
        }
        long folderBytes = Directory.EnumerateFiles(data).Sum(f => new FileInfo(f).Length);
        Assert.True(folderBytes < 2_000_000, $"the bomb is {folderBytes} bytes");

        string line = RefusedWithinLimits(["train", "--data", data, "--epochs", "1", "--out", folder["out"]]);
        Assert.Contains(expected, line);
        Assert.Contains(data, line);
        Assert.False(Directory.Exists(folder["out"]) && Directory.EnumerateFileSystemEntries(folder["out"]).Any(), "the refused run wrote files");
    }

    public static TheoryData<string, string> SpecialFiles() => new()
    {
        { "fifo", "train-images-idx3-ubyte" },
        { "fifo", "train-labels-idx1-ubyte" },
        { "fifo", "t10k-images-idx3-ubyte" },
        { "dev-zero", "train-images-idx3-ubyte" },
        { "dev-zero", "t10k-labels-idx1-ubyte" },
    };

    [Theory]
    [MemberData(nameof(SpecialFiles))]
    public void AnIdxFileThatIsAFifoOrALinkToDevZeroIsRefused(string kind, string name)
    {
        string data = folder[$"{kind}-{name}"];
        Directory.CreateDirectory(data);
        foreach (string file in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
        {
            string source = Path.Combine(Cli.Data.EmbeddedDataset.Folder, file + ".gz");
            if (file != name) File.Copy(source, Path.Combine(data, file + ".gz"));
        }
        MakeSpecial(kind, Path.Combine(data, name));

        string line = RefusedWithinLimits(["train", "--data", data, "--epochs", "1", "--out", folder["out"]]);
        Assert.Contains(Path.Combine(data, name), line);
        Assert.Contains(kind == "fifo" ? "is a FIFO (named pipe), not a regular file" : "is a character device (a symbolic link to /dev/zero), not a regular file", line);
    }

    [Theory]
    [InlineData("fifo", "config")]
    [InlineData("fifo", "train")]
    [InlineData("dev-zero", "config")]
    [InlineData("dev-zero", "compare")]
    public void AConfigFileThatIsAFifoOrALinkToDevZeroIsRefused(string kind, string command)
    {
        string config = folder[$"{kind}-{command}.json"];
        MakeSpecial(kind, config);
        string line = RefusedWithinLimits([command, "--config", config, "--out", folder["out"]]);
        Assert.Contains(config, line);
        Assert.Contains("not a regular file", line);
    }

    public void Dispose() => folder.Dispose();

    private static void MakeSpecial(string kind, string path)
    {
        if (kind == "dev-zero")
        {
            File.CreateSymbolicLink(path, "/dev/zero");
            return;
        }
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>Runs the tool, asserting it ended by itself under the memory limit with exit code 2 and one line on stderr; returns the line.</summary>
    private string RefusedWithinLimits(string[] args)
    {
        using var tool = MemoryWatchedProcess.Start(args).WaitWithin(MemoryLimit, StallLimit);
        log.WriteLine($"peak RSS {tool.PeakResidentBytes / 1e6:0} MB; stderr: {tool.Error}");
        Assert.True(tool.KilledBecause is null, tool.KilledBecause);
        Assert.True(tool.PeakResidentBytes < MemoryLimit, $"peak RSS {tool.PeakResidentBytes / 1e6:0} MB");
        Assert.True(tool.ExitCode == 2, $"exit code {tool.ExitCode}: {tool.Error}");
        string[] lines = tool.Error.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("adaptivelr: ", lines[0]);
        return lines[0];
    }
}

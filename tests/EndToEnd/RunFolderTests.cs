using System.Text.RegularExpressions;
using AdaptiveLR.Cli.Training;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// A run is never lost or mixed with another: every run gets its own folder, an explicit --out that
/// holds a run is refused unless --overwrite, --resume finds the run, asking for no more epochs
/// rewrites nothing, stale temporary files go, one writer per folder, and a signal ends a run with
/// one line naming its checkpoint and the command that continues it.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed partial class RunFolderTests : IDisposable
{
    private static readonly string[] Slice = ["--limit-train", "256", "--limit-test", "128"];
    private readonly TemporaryFolder folder = new();

    [Fact]
    public void RunsStartedTogetherGetTheirOwnFoldersAndResumeAloneContinuesTheLatestWithTheseSettings()
    {
        string[] args = ["train", "--epochs", "1", .. Slice];
        using (var first = new SignalledTool(folder.Path, args))
        using (var second = new SignalledTool(folder.Path, args))
        {
            Assert.True(first.WaitForExit() == 0, first.Error);
            Assert.True(second.WaitForExit() == 0, second.Error);
            string[] named = [RunFolderOf(first.Output), RunFolderOf(second.Output)];
            Assert.NotEqual(named[0], named[1]);
            Assert.All(named, run => Assert.StartsWith("runs/train-adam-", run));
            Assert.Equal(named.Order(), Directory.GetDirectories(folder["runs"]).Select(d => Path.GetRelativePath(folder.Path, d)).Order());
            Assert.All(named, run => Assert.Single(Checkpoint.Read(Path.Combine(folder.Path, run, Checkpoint.FileName)).History));
        }

        string newest = Directory.GetDirectories(folder["runs"]).OrderByDescending(d => File.GetLastWriteTimeUtc(Path.Combine(d, Checkpoint.FileName))).First();
        using (var resumed = new SignalledTool(folder.Path, ["train", "--epochs", "2", "--resume", .. Slice]))
        {
            Assert.True(resumed.WaitForExit() == 0, resumed.Error);
            Assert.Contains($"continuing the run in {Path.GetRelativePath(folder.Path, newest)}", resumed.Output);
            Assert.Equal(2, Checkpoint.Read(Path.Combine(newest, Checkpoint.FileName)).History.Count);
        }
        using (var other = new SignalledTool(folder.Path, ["train", "--epochs", "2", "--resume", "--optimizer", "sgd", .. Slice]))
        {
            Assert.Equal(2, other.WaitForExit());
            Assert.Contains("none of the 2 runs under 'runs/' was made with these settings", other.Error);
        }
    }

    [Fact]
    public void AnExplicitOutHoldingARunIsRefusedUnlessOverwriteWhichRemovesOnlyTheRunsFiles()
    {
        string run = folder["run"];
        Train(run, "--epochs", "1").Succeeded();
        File.WriteAllText(Path.Combine(run, "notes.txt"), "mine");
        var before = Snapshot(run);

        Assert.Contains("already holds a train run", Train(run, "--epochs", "1").FailedWithUsageError());
        Assert.Contains("--overwrite", CliRun.Of(["compare", "--optimizers", "sgd", "--epochs", "1", "--out", run, .. Slice]).FailedWithUsageError());
        Assert.Equal(before, Snapshot(run));

        CliRun.Of(["compare", "--optimizers", "sgd", "--epochs", "1", "--out", run, "--overwrite", .. Slice]).Succeeded();
        Assert.Equal(["comparison.csv", "comparison.json", "comparison.png", "notes.txt"], Directory.GetFiles(run).Select(Path.GetFileName).Where(f => !f!.StartsWith('.')).Order());
        Assert.Contains("already holds a compare run", Train(run, "--epochs", "1").FailedWithUsageError());
        Assert.Contains("cannot be combined with --resume", Train(run, "--epochs", "2", "--resume", "--overwrite").FailedWithUsageError());
    }

    [Fact]
    public void TensorBoardWithoutAFolderWritesIntoTheRunsFolderAndOverwriteRemovesIt()
    {
        string run = folder["run"];
        Train(run, "--epochs", "1", "--tensorboard").Succeeded();
        Assert.Single(Directory.GetFiles(Path.Combine(run, "tensorboard"), "events.out.tfevents.*"));

        Train(run, "--epochs", "1", "--overwrite").Succeeded();
        Assert.False(Directory.Exists(Path.Combine(run, "tensorboard")));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public void AskingForNoMoreEpochsThanAreDoneIsOneLineAndRewritesNothing(string epochs)
    {
        string run = folder["run"];
        Train(run, "--epochs", "2").Succeeded();
        var before = Snapshot(run);

        Assert.Contains($"has completed 2 epochs already, --epochs {epochs} asks for no more; give --epochs 3", Train(run, "--epochs", epochs, "--resume").FailedWithUsageError());
        Assert.Equal(before, Snapshot(run));
    }

    [Fact]
    public void TemporaryFilesOfDeadProcessesAreRemovedAtTheNextStartAndThoseOfLiveOnesKept()
    {
        string run = folder["run"];
        Train(run, "--epochs", "1").Succeeded();
        int dead = DeadProcessId();
        string[] stale = [Path.Combine(run, $".checkpoint.bin.{dead}.tmp.bin"), Path.Combine(run, $".metrics.csv.{dead}.tmp.csv")];
        using var alive = System.Diagnostics.Process.Start("sleep", "infinity")!;
        try
        {
            string live = Path.Combine(run, $".metrics.json.{alive.Id}.tmp.json");
            foreach (string file in stale.Append(live)) File.WriteAllText(file, "half-written");

            Train(run, "--epochs", "2", "--resume").Succeeded();
            Assert.All(stale, file => Assert.False(File.Exists(file), file));
            Assert.True(File.Exists(live));
        }
        finally
        {
            alive.Kill();
            alive.WaitForExit();
        }
    }

    [Fact]
    public void ASecondWriterIsRefusedWhileTheFirstRunsAndTheLockDiesWithItsHolder()
    {
        string run = folder["run"];
        using (var first = new SignalledTool(folder.Path, ["train", "--epochs", "1000", "--out", run, .. Slice]))
        {
            first.WaitUntil(() => File.Exists(Path.Combine(run, Checkpoint.FileName)), "its first checkpoint");
            foreach (var second in new[]
            {
                Train(run, "--epochs", "1000", "--resume"),
                Train(run, "--epochs", "1", "--overwrite"),
                CliRun.Of(["compare", "--optimizers", "sgd", "--epochs", "1", "--out", run, "--overwrite", .. Slice]),
            })
            {
                Assert.Contains($"is in use by another run (pid {first.Id}, adaptivelr train since ", second.FailedWithUsageError());
            }
            first.Signal(SignalledTool.SigKill);
            first.WaitForExit();
        }
        int done = Checkpoint.Read(Path.Combine(run, Checkpoint.FileName)).History.Count;
        Train(run, "--epochs", $"{done + 1}", "--resume").Succeeded();
    }

    [Theory]
    [InlineData(SignalledTool.SigInt, "SIGINT", 130)]
    [InlineData(SignalledTool.SigTerm, "SIGTERM", 143)]
    public void ASignalStopsTheRunWithOneLineNamingTheCheckpointAndTheCommandThatResumesIt(int signal, string name, int exitCode)
    {
        string run = folder["run"];
        using var child = new SignalledTool(folder.Path, ["train", "--epochs", "1000", "--out", run, .. Slice]);
        child.WaitUntil(() => File.Exists(Path.Combine(run, Checkpoint.FileName)), "its first checkpoint");
        child.Signal(signal);
        Assert.Equal(exitCode, child.WaitForExit());

        string line = Assert.Single(child.Error.TrimEnd('\n').Split('\n'));
        int onDisk = Checkpoint.Read(Path.Combine(run, Checkpoint.FileName)).History.Count;
        Assert.StartsWith($"adaptivelr: interrupted by {name}; the checkpoint of epoch {onDisk} is in ", line);
        string command = line[(line.IndexOf("resume with: ", StringComparison.Ordinal) + "resume with: ".Length)..];
        Assert.Equal($"adaptivelr train --epochs 1000 {string.Join(' ', Slice)} --resume run", command); // relative to the child's folder
        Assert.Empty(Directory.GetFiles(run, ".*.tmp*"));

        // The printed command continues the run (with fewer epochs, to end the test).
        string[] resume = [.. command.Split(' ').Skip(1)];
        resume[Array.IndexOf(resume, "1000")] = $"{onDisk + 1}";
        resume[^1] = run;
        CliRun.Of(resume).Succeeded();
        Assert.Equal(onDisk + 1, Checkpoint.Read(Path.Combine(run, Checkpoint.FileName)).History.Count);
    }

    [Theory]
    [InlineData(SignalledTool.SigInt, "SIGINT", 130)]
    [InlineData(SignalledTool.SigTerm, "SIGTERM", 143)]
    public void ASignalStopsACompareWithOneLineSayingWhatIsKept(int signal, string name, int exitCode)
    {
        string run = folder["comparison"];
        using var child = new SignalledTool(folder.Path, ["compare", "--optimizers", "sgd,adam", "--epochs", "1000", "--out", run, .. Slice]);
        child.WaitUntil(() => child.Output.Contains("run folder"), "it claimed its run folder");
        child.Signal(signal);
        Assert.Equal(exitCode, child.WaitForExit());

        string line = Assert.Single(child.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"adaptivelr: interrupted by {name}; a comparison is not resumable: ", line);
        Assert.Contains("run the same command again", line);
    }

    [Fact]
    public void MetricsAheadOfTheCheckpointAreRewrittenFromItOnResume()
    {
        string run = folder["run"], straight = folder["straight"];
        Train(straight, "--epochs", "2").Succeeded();
        Train(run, "--epochs", "2").Succeeded();
        // As after a full disk between the metrics and the checkpoint: metrics.csv holds an epoch the checkpoint does not.
        string csv = Path.Combine(run, "metrics.csv");
        File.AppendAllText(csv, "3" + File.ReadAllLines(csv)[^1][1..] + "\n");

        // Resume, then fail in the first step of epoch 3: before the fix the phantom epoch stayed.
        Assert.Equal(1, Train(run, "--epochs", "3", "--resume", "--inject-fault", "loss:9").ExitCode);
        Assert.Equal(ScheduleAndTransformTests.Numbers(straight), ScheduleAndTransformTests.Numbers(run));
    }

    [Fact]
    public void ARunKilledAfterItsLastCheckpointIsFinishedByResumeWithItsCheckpointUntouched()
    {
        string run = folder["run"];
        Train(run, "--epochs", "2").Succeeded();
        var (checkpoint, csv) = (Path.Combine(run, "checkpoint.bin"), Path.Combine(run, "metrics.csv"));
        byte[] savedCheckpoint = File.ReadAllBytes(checkpoint);
        string metrics = File.ReadAllText(csv);
        // As after SIGKILL between the last checkpoint and the metrics and plots it is followed by.
        File.WriteAllLines(csv, File.ReadAllLines(csv)[..^1]);
        foreach (string plot in new[] { "training.png", "effective-lr.png" }) File.Delete(Path.Combine(run, plot));

        Train(run, "--epochs", "2", "--resume").Succeeded();
        Assert.Equal(savedCheckpoint, File.ReadAllBytes(checkpoint));
        Assert.Equal(metrics, File.ReadAllText(csv));
        Assert.True(File.Exists(Path.Combine(run, "training.png")) && File.Exists(Path.Combine(run, "effective-lr.png")));
        // Finished, it is refused like any run asked for no more epochs than it has.
        Assert.Contains("has completed 2 epochs already", Train(run, "--epochs", "2", "--resume").FailedWithUsageError());
    }

    public void Dispose() => folder.Dispose();

    private static CliRun Train(string run, params string[] args) => CliRun.Of(["train", "--out", run, .. Slice, .. args]);

    private static string RunFolderOf(string output) => RunFolderLine().Match(output) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException($"no run folder in: {output}");

    /// <summary>Every file's name, bytes and time of last write.</summary>
    private static List<(string, string, DateTime)> Snapshot(string run) =>
        [.. Directory.GetFiles(run).Order().Select(f => (Path.GetFileName(f), Convert.ToBase64String(File.ReadAllBytes(f)), File.GetLastWriteTimeUtc(f)))];

    private static int DeadProcessId()
    {
        using var process = System.Diagnostics.Process.Start("true")!;
        process.WaitForExit();
        return process.Id;
    }

    [GeneratedRegex(@"^run folder (\S+)$", RegexOptions.Multiline)]
    private static partial Regex RunFolderLine();
}

using AdaptiveLR.Cli.Training;
using Xunit;
using Xunit.Abstractions;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// The built tool as a child process, killed with SIGKILL at random moments (checkpoint writes
/// included): the last good checkpoint always loads, and resuming after every interruption ends with
/// bit-identical parameters and optimizer state, and the same metrics, as one uninterrupted run.
/// </summary>
/// <remarks>
/// The kills are placed by progress, not by the clock: a round waits for 0–2 new epochs, then for a
/// random fraction of an epoch as long as the uninterrupted run took for one here, in this test. So
/// the kills land at the same points of the run on an idle or a busy machine.
/// </remarks>
[Collection(SerialCollection.Name)]
public sealed class CheckpointKillTests(ITestOutputHelper log) : IDisposable
{
    private const int Epochs = 20;

    // 2,048 images: 32 steps and a checkpoint per epoch; a schedule and a transformation so that
    // their state has to survive too.
    private static readonly string[] Run =
        ["train", "--limit-train", "2048", "--limit-test", "256", "--epochs", $"{Epochs}", "--schedule", "step", "--step-size", "40", "--gamma", "0.8", "--lookahead", "3"];

    private readonly TemporaryFolder folder = new();

    [Fact]
    public void KilledAtRandomMomentsTheLastCheckpointLoadsAndResumingEqualsOneRun()
    {
        var (toFirstEpoch, perEpoch) = Calibrate([.. Run, "--out", folder["straight"]]);

        int seed = Environment.TickCount;
        var random = new Random(seed);
        string checkpoint = Path.Combine(folder["killed"], Checkpoint.FileName);
        int kills = 0, loads = 0;
        for (int round = 0; round < 14 && kills < 8; round++)
        {
            int done = File.Exists(checkpoint) ? Checkpoint.Read(checkpoint).History.Count : 0;
            int newEpochs = random.Next(0, 3);
            double fraction = random.NextDouble();
            var delay = (newEpochs == 0 ? toFirstEpoch : perEpoch) * fraction;
            using var child = ToolProcess.Start([.. Run, "--out", folder["killed"], .. done > 0 ? ["--resume"] : Array.Empty<string>()]);
            if (!child.WaitUntil(c => c.EpochRows.Count(r => r.Epoch > done) >= newEpochs) || child.ExitsWithin(delay) || !child.Kill())
            {
                // It finished (or failed) on its own before the kill: a resume that fails to load would show here.
                int exitCode = child.WaitForExit();
                Assert.True(exitCode == 0, $"round {round} (seed {seed}): exit code {exitCode}: {child.Error}");
                break;
            }
            kills++;
            if (File.Exists(checkpoint))
            {
                var contents = Checkpoint.Read(checkpoint); // verifies magic, version and SHA-256
                loads++;
                log.WriteLine($"round {round}: killed {fraction:0.00} of an epoch after {newEpochs} new epochs, checkpoint after epoch {contents.History.Count}");
            }
            else
            {
                log.WriteLine($"round {round}: killed {fraction:0.00} of an epoch after {newEpochs} new epochs, before the first checkpoint");
            }
        }
        Assert.True(kills >= 3, $"only {kills} kills landed (seed {seed})");
        // A kill can land after the last epoch's files were all written (while the run prints its summary): that run is
        // finished, and a resume asking for no more epochs is refused by design. Any earlier kill must resume to the end.
        bool finished = File.Exists(checkpoint) && Checkpoint.Read(checkpoint).History.Count == Epochs;
        var last = RunToEnd([.. Run, "--out", folder["killed"], .. File.Exists(checkpoint) ? ["--resume"] : Array.Empty<string>()]);
        Assert.True(last.ExitCode == 0 || (finished && last.ExitCode == 2 && last.Error.Contains($"has completed {Epochs} epochs already")),
                    $"exit code {last.ExitCode} (seed {seed}): {last.Error}");

        var (straight, killed) = (Checkpoint.Read(Path.Combine(folder["straight"], Checkpoint.FileName)), Checkpoint.Read(checkpoint));
        Assert.Equal(Epochs, killed.History.Count);
        Assert.Equal(straight.ModelWeights, killed.ModelWeights);
        Assert.Equal(straight.OptimizerState, killed.OptimizerState);
        Assert.Equal(ScheduleAndTransformTests.Numbers(folder["straight"]), ScheduleAndTransformTests.Numbers(folder["killed"]));
        log.WriteLine($"seed {seed}: {kills} kills, {loads} checkpoints verified");
    }

    public void Dispose() => folder.Dispose();

    /// <summary>The uninterrupted run, timed here: from the start to its first epoch row, and the median time between rows.</summary>
    private (TimeSpan ToFirstEpoch, TimeSpan PerEpoch) Calibrate(string[] args)
    {
        using var child = ToolProcess.Start(args);
        int exitCode = child.WaitForExit();
        Assert.True(exitCode == 0, $"exit code {exitCode}: {child.Error}");
        var rows = child.EpochRows;
        Assert.Equal(Enumerable.Range(1, Epochs), rows.Select(r => r.Epoch));
        var intervals = rows.Zip(rows.Skip(1), (a, b) => b.At - a.At).Order().ToList();
        log.WriteLine($"uninterrupted run: first epoch row after {rows[0].At.TotalSeconds:0.00} s, then one every {intervals[intervals.Count / 2].TotalSeconds:0.000} s (median)");
        return (rows[0].At, intervals[intervals.Count / 2]);
    }

    private static (int ExitCode, string Error) RunToEnd(string[] args)
    {
        using var child = ToolProcess.Start(args);
        int exitCode = child.WaitForExit();
        return (exitCode, child.Error);
    }
}

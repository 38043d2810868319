using System.Diagnostics;
using AdaptiveLR.Cli.Training;
using Xunit;
using Xunit.Abstractions;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// The built tool as a child process, killed with SIGKILL at random moments (checkpoint writes
/// included): the last good checkpoint always loads, and resuming after every interruption ends with
/// bit-identical parameters and optimizer state, and the same metrics, as one uninterrupted run.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class CheckpointKillTests(ITestOutputHelper log) : IDisposable
{
    // 2,048 images: 32 steps and a checkpoint per epoch, about 0.1 s each; a schedule and a
    // transformation so that their state has to survive too.
    private static readonly string[] Run =
        ["train", "--limit-train", "2048", "--limit-test", "256", "--epochs", "20", "--schedule", "step", "--step-size", "40", "--gamma", "0.8", "--lookahead", "3"];

    private readonly TemporaryFolder folder = new();

    [Fact]
    public void KilledAtRandomMomentsTheLastCheckpointLoadsAndResumingEqualsOneRun()
    {
        Assert.Equal(0, RunToEnd([.. Run, "--out", folder["straight"]]));

        int seed = Environment.TickCount;
        var random = new Random(seed);
        string checkpoint = Path.Combine(folder["killed"], Checkpoint.FileName);
        int kills = 0, loads = 0;
        for (int round = 0; round < 14 && kills < 8; round++)
        {
            bool resume = File.Exists(checkpoint);
            using var child = Start([.. Run, "--out", folder["killed"], .. resume ? ["--resume"] : Array.Empty<string>()], out var error);
            int delay = random.Next(300, 1100);
            if (child.WaitForExit(delay))
            {
                // It finished (or failed) on its own before the kill: a resume that fails to load would show here.
                child.WaitForExit();
                Assert.True(child.ExitCode == 0, $"round {round} (seed {seed}): exit code {child.ExitCode}: {error}");
                break;
            }
            child.Kill(); // SIGKILL: no finally blocks, no flushing
            child.WaitForExit();
            kills++;
            if (File.Exists(checkpoint))
            {
                var contents = Checkpoint.Read(checkpoint); // verifies magic, version and SHA-256
                loads++;
                log.WriteLine($"round {round}: killed after {delay} ms, checkpoint after epoch {contents.History.Count}");
            }
            else
            {
                log.WriteLine($"round {round}: killed after {delay} ms, before the first checkpoint");
            }
        }
        Assert.True(kills >= 3, $"only {kills} kills landed (seed {seed})");
        Assert.Equal(0, RunToEnd([.. Run, "--out", folder["killed"], .. File.Exists(checkpoint) ? ["--resume"] : Array.Empty<string>()]));

        var (straight, killed) = (Checkpoint.Read(Path.Combine(folder["straight"], Checkpoint.FileName)), Checkpoint.Read(checkpoint));
        Assert.Equal(20, killed.History.Count);
        Assert.Equal(straight.ModelWeights, killed.ModelWeights);
        Assert.Equal(straight.OptimizerState, killed.OptimizerState);
        Assert.Equal(ScheduleAndTransformTests.Numbers(folder["straight"]), ScheduleAndTransformTests.Numbers(folder["killed"]));
        log.WriteLine($"seed {seed}: {kills} kills, {loads} checkpoints verified");
    }

    public void Dispose() => folder.Dispose();

    private int RunToEnd(string[] args)
    {
        using var child = Start(args, out var error);
        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(60)), "the run did not finish within a minute");
        child.WaitForExit();
        if (child.ExitCode != 0) log.WriteLine(error.ToString());
        return child.ExitCode;
    }

    /// <summary>The built tool (adaptivelr.dll beside the tests) with its output drained asynchronously.</summary>
    private static Process Start(string[] args, out System.Text.StringBuilder error)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "adaptivelr.dll"));
        foreach (string arg in args) info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        var captured = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { lock (captured) captured.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        error = captured;
        return process;
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// The built tool (adaptivelr.dll beside the tests) as a child process. Its output lines are kept
/// with the moment each arrived; waits end on progress (an output line, the child's exit), never on
/// how fast this machine is; and disposing it kills the child with every process it started,
/// whatever the test's outcome.
/// </summary>
public sealed partial class ToolProcess : IDisposable
{
    /// <summary>
    /// How long a child may go without printing a line or using any CPU time before it counts as
    /// hung. A child that merely runs slowly on a busy machine still uses CPU time, so this bounds
    /// a deadlock, not the machine's speed.
    /// </summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly Process process;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly List<(string Text, TimeSpan At)> lines = [];
    private readonly StringBuilder error = new();

    private ToolProcess(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "adaptivelr.dll"));
        foreach (string arg in args) info.ArgumentList.Add(arg);
        process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines)
            {
                lines.Add((e.Data, clock.Elapsed));
                Monitor.PulseAll(lines);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (error) error.AppendLine(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static ToolProcess Start(params string[] args) => new(args);

    public string Error
    {
        get
        {
            lock (error) return error.ToString();
        }
    }

    /// <summary>The epochs the child has printed a row for so far (resumed ones included), with when each row arrived since the start.</summary>
    public IReadOnlyList<(int Epoch, TimeSpan At)> EpochRows
    {
        get
        {
            lock (lines)
                return [.. lines.Select(l => (Match: EpochRow().Match(l.Text), l.At)).Where(r => r.Match.Success).Select(r => (int.Parse(r.Match.Groups[1].Value), r.At))];
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds (true) or the child exits first (false). Fails
    /// the test if the child stalls: no output line and no CPU time for <see cref="StallLimit"/>.
    /// </summary>
    public bool WaitUntil(Func<ToolProcess, bool> condition)
    {
        var (lastLines, lastCpu, lastProgress) = (-1, TimeSpan.MinValue, clock.Elapsed);
        while (true)
        {
            if (condition(this)) return true;
            if (process.HasExited)
            {
                process.WaitForExit(); // the last output lines
                return condition(this);
            }
            int count;
            lock (lines)
            {
                count = lines.Count;
                if (count == lastLines) Monitor.Wait(lines, PollInterval);
            }
            TimeSpan cpu = CpuTime();
            if (count != lastLines || cpu != lastCpu) (lastLines, lastCpu, lastProgress) = (count, cpu, clock.Elapsed);
            Assert.True(clock.Elapsed - lastProgress < StallLimit, $"the child printed nothing and used no CPU for {StallLimit.TotalSeconds} s: hung (pid {process.Id}, {count} lines so far)");
        }
    }

    /// <summary>Waits until the child exits, however long a busy machine makes it take, as long as it makes progress; returns its exit code.</summary>
    public int WaitForExit()
    {
        WaitUntil(_ => false);
        return process.ExitCode;
    }

    /// <summary>Sleeps for <paramref name="delay"/> unless the child exits first; true if it exited.</summary>
    public bool ExitsWithin(TimeSpan delay) => process.WaitForExit(delay);

    /// <summary>
    /// SIGKILL to the child and every process it started: no finally blocks, no flushing. False if
    /// the child had already exited on its own.
    /// </summary>
    public bool Kill()
    {
        bool killed;
        try
        {
            killed = !process.HasExited;
            if (killed) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            killed = false; // it exited between the check and the kill
        }
        process.WaitForExit();
        return killed;
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    private TimeSpan CpuTime()
    {
        try
        {
            return process.TotalProcessorTime;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return TimeSpan.Zero; // exited meanwhile: the next HasExited check sees it
        }
    }

    /// <summary>A row of train's epoch table: the epoch number, then the train loss.</summary>
    [GeneratedRegex(@"^\s*(\d+)\s+-?\d+\.\d+\s")]
    private static partial Regex EpochRow();
}

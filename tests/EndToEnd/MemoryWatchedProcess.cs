using System.Diagnostics;
using System.Text;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// The built tool (adaptivelr.dll beside the tests) as a child process in its own process group,
/// watched for peak resident memory (VmHWM of /proc/PID/status, a high-water mark the kernel keeps)
/// and killed with its whole group when it passes a memory limit, when it outlives a generous time
/// limit, and always at the end. The time limit only ends a hang: no assertion is about time.
/// </summary>
public sealed class MemoryWatchedProcess : IDisposable
{
    private readonly Process process;
    private const int MaxKeptOutput = 1 << 20;
    private readonly StringBuilder output = new(), error = new();
    private int outputLines;

    private readonly Action<MemoryWatchedProcess, string>? lineReceived;

    public int Id => process.Id;

    private MemoryWatchedProcess(Process process, Action<MemoryWatchedProcess, string>? onLine)
    {
        this.process = process;
        lineReceived = onLine;
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                if (e.Data is null) return;
                outputLines++;
                if (output.Length < MaxKeptOutput) output.AppendLine(e.Data);
                lineReceived?.Invoke(this, e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) => { lock (error) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The highest VmHWM seen, in bytes.</summary>
    public long PeakResidentBytes { get; private set; }

    /// <summary>Why the watchdog ended the process early, or null if it exited on its own.</summary>
    public string? KilledBecause { get; private set; }

    public int ExitCode => process.ExitCode;

    public string Output { get { lock (output) return output.ToString(); } }

    public string Error { get { lock (error) return error.ToString(); } }

    /// <summary><c>setsid</c> makes the tool the leader of a new process group (same PID), so killing the group ends everything it started.</summary>
    /// <param name="onLine">Called for every line of standard output as it arrives (under a lock: keep it short).</param>
    public static MemoryWatchedProcess Start(IEnumerable<string> args, Action<MemoryWatchedProcess, string>? onLine = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "adaptivelr.dll"));
        foreach (string arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var started = new MemoryWatchedProcess(Process.Start(info)!, onLine);
        started.process.StandardInput.Close();
        return started;
    }

    /// <summary>Waits for the exit, sampling peak memory; kills the group past <paramref name="memoryLimitBytes"/> or <paramref name="timeLimit"/>.</summary>
    public MemoryWatchedProcess WaitWithin(long memoryLimitBytes, TimeSpan stallLimit)
    {
        var stall = new StallWatch(this);
        while (!process.WaitForExit(10))
        {
            PeakResidentBytes = Math.Max(PeakResidentBytes, PeakOf(process.Id));
            if (PeakResidentBytes > memoryLimitBytes) KilledBecause = $"peak RSS {PeakResidentBytes / 1e6:0} MB passed the limit of {memoryLimitBytes / 1e6:0} MB";
            else if (stall.StalledFor(stallLimit)) KilledBecause = $"no output and no CPU time for {stallLimit.TotalSeconds:0} s (a hang)";
            if (KilledBecause is null) continue;
            KillGroup();
            process.WaitForExit();
            break;
        }
        process.WaitForExit(); // drains the redirected output
        return this;
    }

    /// <summary>
    /// Waits until the tool has printed <paramref name="lines"/> lines (or exited), sampling peak memory
    /// meanwhile, then kills the group: for commands whose output must stream long before they end.
    /// </summary>
    public MemoryWatchedProcess WaitForLines(int lines, long memoryLimitBytes, TimeSpan stallLimit)
    {
        var stall = new StallWatch(this);
        while (!process.WaitForExit(10))
        {
            PeakResidentBytes = Math.Max(PeakResidentBytes, PeakOf(process.Id));
            if (PeakResidentBytes > memoryLimitBytes) KilledBecause = $"peak RSS {PeakResidentBytes / 1e6:0} MB passed the limit of {memoryLimitBytes / 1e6:0} MB";
            else if (stall.StalledFor(stallLimit)) KilledBecause = $"fewer than {lines} lines, and no output and no CPU time for {stallLimit.TotalSeconds:0} s";
            else if (OutputLineCount >= lines) break;
            if (KilledBecause is not null) break;
        }
        KillGroup();
        process.WaitForExit();
        return this;
    }

    public int OutputLineCount { get { lock (output) return outputLines; } }

    /// <summary>The tool's resident memory now (VmRSS), in bytes, or 0 once it has gone.</summary>
    public long ResidentBytes() => StatusField(process.Id, "VmRSS:");

    /// <summary>The kernel's resident high-water mark of <paramref name="pid"/>, or 0 once it has gone.</summary>
    public static long PeakOf(int pid) => StatusField(pid, "VmHWM:");

    private static long StatusField(int pid, string field)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private void KillGroup()
    {
        if (process.HasExited) return;
        using var kill = Process.Start("kill", ["-KILL", "--", $"-{process.Id}"]);
        kill.WaitForExit();
    }

    /// <summary>How long the child has gone without a new output line or any CPU time.</summary>
    private sealed class StallWatch(MemoryWatchedProcess watched)
    {
        private readonly Stopwatch sinceProgress = Stopwatch.StartNew();
        private (int Lines, TimeSpan Cpu) last = (-1, TimeSpan.MinValue);

        public bool StalledFor(TimeSpan limit)
        {
            var now = (watched.OutputLineCount, watched.CpuTime());
            if (now != last)
            {
                last = now;
                sinceProgress.Restart();
            }
            return sinceProgress.Elapsed > limit;
        }
    }

    private TimeSpan CpuTime()
    {
        try
        {
            return process.TotalProcessorTime;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return TimeSpan.Zero; // exited meanwhile: the wait loop sees it next
        }
    }

    public void Dispose()
    {
        KillGroup();
        process.WaitForExit(5000);
        process.Dispose();
    }
}

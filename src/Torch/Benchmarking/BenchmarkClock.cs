using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AdaptiveLR.Torch.Benchmarking;

/// <summary>
/// What a benchmark's timings count: wall-clock time, or the CPU time of the whole process (every
/// thread). On a machine with more runnable threads than cores, wall-clock time is mostly time spent
/// waiting for a core; CPU time counts only the work, so it is the steadier measure there. It counts a
/// thread's spinning too, so it suits single-threaded sides (<c>--one-core --torch-threads 1</c>).
/// </summary>
public static partial class BenchmarkClock
{
    /// <summary>Wall-clock time.</summary>
    public const string Wall = "wall";

    /// <summary>The CPU time of the whole process.</summary>
    public const string Cpu = "cpu";

    /// <summary>Every clock's name, as <c>bench --clock</c> accepts them.</summary>
    public static IReadOnlyList<string> All { get; } = [Wall, Cpu];

    /// <summary>A reading in milliseconds; only differences between readings of one kind mean anything.</summary>
    public static double NowMs(string clock)
    {
        if (clock == Wall) return Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) throw new PlatformNotSupportedException("the cpu clock needs clock_gettime (Linux, macOS)");
        if (ClockGetTime(ProcessCpuTimeId, out var time) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
        return time.Seconds * 1000.0 + time.Nanoseconds / 1e6;
    }

    private static int ProcessCpuTimeId => OperatingSystem.IsMacOS() ? 12 : 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);
}

using System.Diagnostics;

namespace AdaptiveLR.Torch.Benchmarking;

/// <summary>
/// The bandwidth of a plain vectorised copy (<see cref="Span{T}.CopyTo"/>) of a buffer, on one core and
/// split across all cores like the fused kernel; the faster of the two sets the memory-traffic floor.
/// </summary>
internal static class CopyBandwidth
{
    /// <summary>Bytes read plus bytes written per second, the median over <paramref name="repeats"/> copies.</summary>
    public static unsafe double Measure(long elements, int repeats)
    {
        var source = new float[elements];
        var destination = new float[elements];
        source.AsSpan().Fill(1);
        fixed (float* from = source, to = destination)
        {
            var job = new CopyJob(from, to);
            // Small copies are repeated within one timing, so that a sample is never shorter than the clock's resolution.
            int copies = (int)Math.Max(1, 4_000_000 / elements);
            double singleCore = Median(repeats, copies, () => job.Run(0, (int)elements));
            double allCores = Median(repeats, copies, () => CoreSplitter.Shared.Run(job, (int)elements, minimumToShare: 0));
            return 2.0 * elements * sizeof(float) / (Math.Min(singleCore, allCores) / 1000);
        }
    }

    /// <summary>The median ms of one copy, each sample timing <paramref name="copies"/> of them.</summary>
    private static double Median(int repeats, int copies, Action copy)
    {
        for (int i = 0; i < 3; i++) copy();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int c = 0; c < copies; c++) copy();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / copies;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }

    private sealed unsafe class CopyJob(float* from, float* to) : RangeJob
    {
        public override void Run(int start, int count) =>
            new ReadOnlySpan<float>(from + start, count).CopyTo(new Span<float>(to + start, count));
    }
}

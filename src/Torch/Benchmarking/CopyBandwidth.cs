using System.Diagnostics;

namespace AdaptiveLR.Torch.Benchmarking;

/// <summary>
/// A plain vectorised copy (<see cref="Span{T}.CopyTo"/>): the memory-traffic floor's yardstick. Its two
/// buffers together are as large as the step's own (parameters, gradients, state), so that both work in the
/// same level of the memory hierarchy. It runs on one core when the step does (<c>oneCore</c>); otherwise on
/// one core or split across all cores like the fused kernel, whichever was faster when measured at construction.
/// </summary>
internal sealed unsafe class CopyBandwidth : IDisposable
{
    private readonly float* from, to;
    private readonly int elements;
    private readonly CopyJob job;
    private readonly bool shared;

    /// <summary>A copy of <paramref name="elements"/> floats into as many; on one core only when <paramref name="oneCore"/>.</summary>
    public CopyBandwidth(long elements, bool oneCore)
    {
        this.elements = checked((int)elements);
        from = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)elements * sizeof(float), 64);
        to = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)elements * sizeof(float), 64);
        new Span<float>(from, this.elements).Fill(1);
        new Span<float>(to, this.elements).Clear();
        job = new CopyJob(from, to);
        shared = false;
        if (oneCore) return;
        double single = Fastest(), allCores;
        shared = true;
        allCores = Fastest();
        shared = allCores < single;
    }

    /// <summary>Bytes read plus bytes written by one <see cref="Run"/>.</summary>
    public double BytesPerCopy => 2.0 * elements * sizeof(float);

    public void Run()
    {
        if (shared) CoreSplitter.Shared.Run(job, elements, minimumToShare: 0);
        else job.Run(0, elements);
    }

    private double Fastest()
    {
        double best = double.MaxValue;
        for (int i = 0; i < 7; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return best;
    }

    public void Dispose()
    {
        System.Runtime.InteropServices.NativeMemory.AlignedFree(from);
        System.Runtime.InteropServices.NativeMemory.AlignedFree(to);
    }

    private sealed class CopyJob(float* from, float* to) : RangeJob
    {
        public override void Run(int start, int count) =>
            new ReadOnlySpan<float>(from + start, count).CopyTo(new Span<float>(to + start, count));
    }
}

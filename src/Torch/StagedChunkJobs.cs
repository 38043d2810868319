using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Torch;

/// <summary>
/// A large float32 tensor's staged pass split into <see cref="CoreSplitter.ChunkElements"/>-element chunks for the cores.
/// A reduction keeps each chunk's sums apart and adds them in chunk order afterwards, so its totals are the same
/// on one thread or several.
/// </summary>
internal abstract unsafe class StagedChunkJob(float* parameter, float* gradient, IntPtr[] slots) : RangeJob
{
    protected float* Parameter { get; } = parameter;

    protected float* Gradient { get; } = gradient;

    /// <summary>The slots' pointers moved to <paramref name="start"/> (null stays null).</summary>
    protected void SlotsFrom(int start, Span<IntPtr> destination)
    {
        for (int k = 0; k < slots.Length; k++) destination[k] = slots[k] == IntPtr.Zero ? IntPtr.Zero : (IntPtr)((float*)slots[k] + start);
    }

    protected int SlotCount => slots.Length;
}

/// <summary>A slot rule over chunks: element-wise, so any split gives the same result.</summary>
internal sealed unsafe class StagedApplyJob<TRule>(TRule rule, float* parameter, float* gradient, IntPtr[] slots)
    : StagedChunkJob(parameter, gradient, slots)
    where TRule : struct, ISlotRule
{
    public override void Run(int start, int count)
    {
        Span<IntPtr> moved = stackalloc IntPtr[SlotCount];
        SlotsFrom(start, moved);
        SlotKernel.Apply(rule, Parameter + start, Gradient + start, moved, count);
    }
}

/// <summary>A reduction rule over chunks, each chunk's sums in its own place.</summary>
internal sealed unsafe class StagedReduceJob<TRule>(TRule rule, float* parameter, float* gradient, IntPtr[] slots, int length, int sumCount)
    : StagedChunkJob(parameter, gradient, slots)
    where TRule : struct, IReductionRule
{
    private const int Chunk = CoreSplitter.ChunkElements;
    private readonly double[] chunkSums = new double[(length + Chunk - 1) / Chunk * sumCount];

    public override void Run(int start, int count)
    {
        Span<IntPtr> moved = stackalloc IntPtr[SlotCount];
        for (int at = start; at < start + count; at += Chunk)
        {
            int size = Math.Min(Chunk, start + count - at);
            SlotsFrom(at, moved);
            SlotKernel.Accumulate(rule, Parameter + at, Gradient + at, moved, size, chunkSums.AsSpan(at / Chunk * sumCount, sumCount));
        }
    }

    /// <summary>Adds every chunk's sums to <paramref name="sums"/>, in chunk order.</summary>
    public void AddTo(Span<double> sums)
    {
        for (int chunk = 0; chunk * sumCount < chunkSums.Length; chunk++)
            for (int j = 0; j < sumCount; j++) sums[j] += chunkSums[chunk * sumCount + j];
    }
}

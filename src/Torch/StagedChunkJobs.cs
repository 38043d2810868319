using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Torch;

/// <summary>
/// A large float32 tensor's staged pass split into <see cref="CoreSplitter.ChunkElements"/>-element chunks for the cores.
/// A reduction keeps each chunk's sums apart and adds them in chunk order afterwards, so its totals are the same
/// on one thread or several. One job per rule type and calling thread, pointed at each tensor in turn (<see cref="CoreSplitter"/>
/// runs one job at a time and returns when it is done), so that a step allocates nothing for it.
/// </summary>
internal abstract unsafe class StagedChunkJob : RangeJob
{
    private IntPtr[] slots = [];
    private int slotCount;

    protected float* Parameter { get; private set; }

    protected float* Gradient { get; private set; }

    protected int SlotCount => slotCount;

    /// <summary>Points the job at a tensor's memory; the slots <paramref name="hidden"/> samples read as null.</summary>
    protected void Target(float* parameter, float* gradient, ReadOnlySpan<IntPtr> tensorSlots, SlotSampling hidden)
    {
        Parameter = parameter;
        Gradient = gradient;
        slotCount = tensorSlots.Length;
        if (slots.Length < slotCount) slots = new IntPtr[slotCount];
        for (int k = 0; k < slotCount; k++) slots[k] = hidden.IsSampled(k) ? IntPtr.Zero : tensorSlots[k];
    }

    /// <summary>The slots' pointers moved to <paramref name="start"/> (null stays null).</summary>
    protected void SlotsFrom(int start, Span<IntPtr> destination)
    {
        for (int k = 0; k < slotCount; k++) destination[k] = slots[k] == IntPtr.Zero ? IntPtr.Zero : (IntPtr)((float*)slots[k] + start);
    }
}

/// <summary>A slot rule over chunks: element-wise, so any split gives the same result.</summary>
internal sealed unsafe class StagedApplyJob<TRule> : StagedChunkJob where TRule : struct, ISlotRule
{
    [ThreadStatic]
    private static StagedApplyJob<TRule>? reusable;

    private TRule rule;

    /// <summary>The calling thread's job for <typeparamref name="TRule"/>, set to apply <paramref name="rule"/> to a tensor; its sampled slots read as null.</summary>
    public static StagedApplyJob<TRule> For(in TRule rule, float* parameter, float* gradient, ReadOnlySpan<IntPtr> slots, SlotSampling sampling)
    {
        var job = reusable ??= new StagedApplyJob<TRule>();
        job.rule = rule;
        job.Target(parameter, gradient, slots, sampling);
        return job;
    }

    public override void Run(int start, int count)
    {
        Span<IntPtr> moved = stackalloc IntPtr[SlotCount];
        SlotsFrom(start, moved);
        SlotKernel.Apply(rule, Parameter + start, Gradient + start, moved, count);
    }
}

/// <summary>A reduction rule over chunks, each chunk's sums in its own place.</summary>
internal sealed unsafe class StagedReduceJob<TRule> : StagedChunkJob where TRule : struct, IReductionRule
{
    private const int Chunk = CoreSplitter.ChunkElements;

    [ThreadStatic]
    private static StagedReduceJob<TRule>? reusable;

    private TRule rule;
    private double[] chunkSums = [];
    private int sumCount, chunkSumsLength;

    /// <summary>The calling thread's job for <typeparamref name="TRule"/>, set to reduce a tensor of <paramref name="length"/> elements into <paramref name="sumCount"/> sums.</summary>
    public static StagedReduceJob<TRule> For(in TRule rule, float* parameter, float* gradient, ReadOnlySpan<IntPtr> slots, int length, int sumCount)
    {
        var job = reusable ??= new StagedReduceJob<TRule>();
        job.rule = rule;
        job.Target(parameter, gradient, slots, SlotSampling.None);
        job.sumCount = sumCount;
        job.chunkSumsLength = (length + Chunk - 1) / Chunk * sumCount;
        if (job.chunkSums.Length < job.chunkSumsLength) job.chunkSums = new double[job.chunkSumsLength];
        job.chunkSums.AsSpan(0, job.chunkSumsLength).Clear();
        return job;
    }

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
        for (int chunk = 0; chunk * sumCount < chunkSumsLength; chunk++)
            for (int j = 0; j < sumCount; j++) sums[j] += chunkSums[chunk * sumCount + j];
    }
}

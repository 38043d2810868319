using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch;

/// <summary>
/// The tensors of one parameter group as <see cref="StagedStep"/> sees them: dense float32 CPU tensors
/// are stepped in place through <see cref="SlotKernel"/>; any other dtype or device on double copies
/// that <see cref="End"/> writes back in the tensors' own dtype. Reused from step to step.
/// </summary>
internal sealed unsafe class StagedTensors : IStagedPasses
{
    // Entries are reused from step to step, so that a float32 step allocates nothing per tensor.
    private readonly List<Entry> entries = [];
    private int count;
    private double[] sums = [];
    private int sumsPerTensor;

    private sealed class Entry
    {
        public AdaptiveOptimizer.State State = null!;
        public IntPtr Gradient;
        public StepContext Context;
        public IntPtr[] Slots = [];
        public DoublePasses.Tensor? Copy;
        public DoublePasses? CopyPasses;
        // The shape in the first Dimensions places: entries serve other tensors in other groups, so the array only grows.
        public long[] ShapeBuffer = [];
        public int Dimensions;

        public ReadOnlySpan<long> Shape => ShapeBuffer.AsSpan(0, Dimensions);
    }

    // A float32 tensor's matrix-stage output, which its element pass reads in the gradient's place; pinned, reused.
    private float[] direction = [];
    private int directionOf = -1;

    public int Count => count;

    /// <summary>
    /// Tensors of at least <c>From</c> float32 elements have their passes shared between up to <c>Threads</c> cores
    /// (<see cref="AdaptiveOptimizer.ShareCoresFrom"/>, LibTorch's thread budget); their sums are then taken per chunk.
    /// </summary>
    public (int From, int Threads) Sharing { get; set; } = (int.MaxValue, 1);

    public void Begin() => count = 0;

    private Entry Next()
    {
        if (count == entries.Count) entries.Add(new Entry());
        return entries[count++];
    }

    /// <summary>A tensor of the group; <paramref name="gradient"/> zero for a pass that reads none (the view change).</summary>
    public void Add(AdaptiveOptimizer.State state, IntPtr gradient, StepContext context)
    {
        var parameter = state.Parameter;
        var entry = Next();
        entry.Dimensions = NativeTensor.ShapeInto(parameter.Handle, ref entry.ShapeBuffer);
        bool float32 = NativeTensor.IsDenseCpuFloat32(parameter.Handle) && (gradient == IntPtr.Zero || NativeTensor.IsDenseCpuFloat32(gradient));
        (entry.State, entry.Gradient, entry.Context, entry.Copy) = (state, gradient, context, null);
        if (float32)
        {
            if (entry.Slots.Length != state.Slots.Length) entry.Slots = new IntPtr[state.Slots.Length];
            for (int k = 0; k < entry.Slots.Length; k++) entry.Slots[k] = state.Slots[k] is { } slot ? NativeTensor.Data(slot.Handle) : IntPtr.Zero;
            return;
        }
        double[] values = AsDoubles(parameter);
        double[] gradientValues = gradient == IntPtr.Zero ? new double[values.Length] : AsDoubles(parameter.grad!);
        double[]?[] copies = [.. state.Slots.Select(slot => slot is null ? null : AsDoubles(slot))];
        entry.Slots = [];
        entry.Copy = new DoublePasses.Tensor(context, values, gradientValues, copies, state.Dimensions, entry.Shape.ToArray());
        entry.CopyPasses = new DoublePasses([entry.Copy], TorchMatrixOperations<double>.Instance);
    }

    /// <summary>Room for every tensor's sums; each state keeps its own after the step.</summary>
    public Span<double> Sums(int perTensor)
    {
        sumsPerTensor = perTensor;
        int length = count * perTensor;
        if (sums.Length < length) sums = new double[length];
        return sums.AsSpan(0, length);
    }

    /// <summary>Writes the double copies back and hands each state its sums.</summary>
    public void End()
    {
        int perTensor = sumsPerTensor;
        sumsPerTensor = 0;
        for (int t = 0; t < count; t++)
        {
            var entry = entries[t];
            if (perTensor > 0 && entry.Gradient != IntPtr.Zero)
            {
                if (entry.State.LastSums.Length != perTensor) entry.State.LastSums = new double[perTensor];
                sums.AsSpan(t * perTensor, perTensor).CopyTo(entry.State.LastSums);
            }
            if (entry.Copy is not { } copy) continue;
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var parameter = entry.State.Parameter;
            parameter.copy_(tensor(copy.Parameters).reshape(parameter.shape));
            for (int k = 0; k < copy.Slots.Length; k++)
                if (entry.State.Slots[k] is { } slot) slot.copy_(tensor(copy.Slots[k]!).reshape(slot.shape));
        }
        for (int t = 0; t < count; t++) (entries[t].State, entries[t].Copy, entries[t].CopyPasses) = (null!, null, null);
        count = 0;
        directionOf = -1;
    }

    public StepContext Context(int tensor) => entries[tensor].Context;

    public int Dimensions(int tensor) => entries[tensor].State.Dimensions;

    public ReadOnlySpan<long> Shape(int tensor) => entries[tensor].Shape;

    public void RunMatrixStage(int tensor, StagedHyperparameters algorithm, in StageInputs inputs)
    {
        var entry = entries[tensor];
        if (entry.CopyPasses is { } copy)
        {
            copy.RunMatrixStage(0, algorithm, inputs);
            return;
        }
        var (_, gradient, length) = Memory(entry);
        if (direction.Length < length) direction = GC.AllocateUninitializedArray<float>(length, pinned: true);
        var memory = new MatrixStageMemory<float>(new ReadOnlySpan<float>((float*)gradient, length), direction.AsSpan(0, length), entry.Slots, entry.Shape);
        algorithm.RunMatrixStage(inputs, memory, TorchMatrixOperations<float>.Instance);
        directionOf = tensor;
    }

    public void Reduce<TRule>(int tensor, in TRule rule, SlotSampling sampling, Span<double> sums) where TRule : struct, IReductionRule
    {
        var entry = entries[tensor];
        if (entry.CopyPasses is { } copy)
        {
            copy.Reduce(0, rule, sampling, sums);
            return;
        }
        var (parameter, gradient, length) = Memory(entry);
        if (length >= Sharing.From && sampling.Stride <= 1)
        {
            var job = StagedReduceJob<TRule>.For(rule, (float*)parameter, (float*)gradient, entry.Slots, length, sums.Length);
            CoreSplitter.Shared.Run(job, length, Sharing.From, Sharing.Threads);
            job.AddTo(sums);
            return;
        }
        SlotKernel.Accumulate(rule, (float*)parameter, (float*)gradient, entry.Slots, length, sums, sampling);
    }

    public void Apply<TRule>(int tensor, in TRule rule, SlotSampling sampling) where TRule : struct, ISlotRule
    {
        var entry = entries[tensor];
        if (entry.CopyPasses is { } copy)
        {
            copy.Apply(0, rule, sampling);
            return;
        }
        var (parameter, gradient, length) = Memory(entry);
        if (directionOf == tensor)
        {
            // Pinned (pinned object heap): the address stays valid.
            gradient = (IntPtr)Unsafe.AsPointer(ref direction[0]);
            directionOf = -1;
        }
        ReadOnlySpan<IntPtr> slots = entry.Slots;
        if (length >= Sharing.From)
        {
            CoreSplitter.Shared.Run(StagedApplyJob<TRule>.For(rule, (float*)parameter, (float*)gradient, slots, sampling), length, Sharing.From, Sharing.Threads);
            return;
        }
        if (sampling.SampledSlots != 0)
        {
            // The element pass does not see sampled slots (they are shorter than the tensor).
            Span<IntPtr> full = stackalloc IntPtr[slots.Length];
            for (int k = 0; k < full.Length; k++) full[k] = sampling.IsSampled(k) ? IntPtr.Zero : slots[k];
            SlotKernel.Apply(rule, (float*)parameter, (float*)gradient, full, length);
            return;
        }
        SlotKernel.Apply(rule, (float*)parameter, (float*)gradient, slots, length);
    }

    private static (IntPtr Parameter, IntPtr Gradient, int Length) Memory(Entry entry)
    {
        var parameter = NativeTensor.Data(entry.State.Parameter.Handle);
        // A view change reads no gradient; the kernel still loads one, so it reads the parameter (the rule ignores it).
        var gradient = entry.Gradient == IntPtr.Zero ? parameter : NativeTensor.Data(entry.Gradient);
        return (parameter, gradient, checked((int)NativeTensor.ElementCount(entry.State.Parameter.Handle)));
    }

    private static double[] AsDoubles(Tensor source) => source.detach().to(float64, CPU).contiguous().data<double>().ToArray();
}

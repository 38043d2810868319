using System.Collections.Immutable;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// The reference path of staged algorithms: slot and reduction rules on <c>double</c>, element by
/// element, and a group's step on immutable records (inputs never mutated).
/// </summary>
public static class SlotReference
{
    /// <summary>
    /// A slot rule over double memory in place; a null slot is one the configuration does not use, a sampled one reads as zero, and so
    /// does one outside the rule's <see cref="ISlotRule.SlotsRead"/> (one outside its <see cref="ISlotRule.SlotsWritten"/> keeps its values), and
    /// the gradient if the rule does not read it (<see cref="ISlotRule.ReadsGradient"/>).
    /// </summary>
    public static void Apply<TRule>(in TRule rule, Span<double> parameters, ReadOnlySpan<double> gradients, double[]?[] slots, SlotSampling sampling = default)
        where TRule : struct, ISlotRule
    {
        if (sampling.SampledSlots != 0) slots = [.. slots.Select((slot, k) => sampling.IsSampled(k) ? null : slot)];
        CheckCount(slots.Length, "slots");
        Lanes<DoubleLane> state = default;
        int read = TRule.SlotsRead, written = TRule.SlotsWritten;
        for (int i = 0; i < parameters.Length; i++)
        {
            for (int k = 0; k < slots.Length; k++) state[k] = new(slots[k] is { } slot && (read >> k & 1) != 0 ? slot[i] : 0);
            var parameter = new DoubleLane(parameters[i]);
            rule.Apply(ref parameter, new DoubleLane(TRule.ReadsGradient ? gradients[i] : 0), ref state);
            parameters[i] = parameter.Value;
            for (int k = 0; k < slots.Length; k++)
                if (slots[k] is { } slot && (written >> k & 1) != 0) slot[i] = state[k].Value;
        }
    }

    /// <summary>
    /// A reduction rule over double memory, adding its terms to <paramref name="sums"/>: elements 0, stride, 2·stride, …
    /// of <paramref name="sampling"/> (every element by default); a sampled slot is read and written at the visit's index.
    /// </summary>
    public static void Accumulate<TRule>(in TRule rule, ReadOnlySpan<double> parameters, ReadOnlySpan<double> gradients, double[]?[] slots, Span<double> sums,
                                         SlotSampling sampling = default)
        where TRule : struct, IReductionRule
    {
        int stride = Math.Max(sampling.Stride, 1);
        CheckCount(slots.Length, "slots");
        CheckCount(sums.Length, "sums");
        Lanes<DoubleLane> state = default, terms = default;
        int touched = rule.SlotsTouched, written = rule.SlotsWritten;
        slots = [.. slots.Select((slot, k) => (touched >> k & 1) != 0 ? slot : null)];
        for (int i = 0, visit = 0; i < parameters.Length; i += stride, visit++)
        {
            for (int k = 0; k < slots.Length; k++) state[k] = new(slots[k] is { } slot ? slot[sampling.IsSampled(k) ? visit : i] : 0);
            rule.Accumulate(new DoubleLane(rule.ReadsParameter ? parameters[i] : 0), new DoubleLane(gradients[i]), ref state, ref terms);
            for (int k = 0; k < slots.Length; k++)
                if (slots[k] is { } slot && (written >> k & 1) != 0) slot[sampling.IsSampled(k) ? visit : i] = state[k].Value;
        }
        for (int j = 0; j < sums.Length; j++) sums[j] += terms[j].Value;
    }

    /// <summary>The effective learning rate of every element from the slots after a step (sampled slots read as zero).</summary>
    public static double[] EffectiveLearningRates<TRule>(in TRule rule, double[]?[] slots, int length, SlotSampling sampling = default) where TRule : struct, ISlotRule
    {
        if (sampling.SampledSlots != 0) slots = [.. slots.Select((slot, k) => sampling.IsSampled(k) ? null : slot)];
        var rates = new double[length];
        Span<DoubleLane> state = stackalloc DoubleLane[Math.Max(slots.Length, 1)];
        state = state[..slots.Length];
        for (int i = 0; i < length; i++)
        {
            for (int k = 0; k < slots.Length; k++) state[k] = new(slots[k] is { } slot ? slot[i] : 0);
            rates[i] = rule.EffectiveLearningRate<DoubleLane>(state).Value;
        }
        return rates;
    }

    private static void CheckCount(int count, string what)
    {
        if (count > SlotKernel.MaxSlots) throw new ArgumentException($"at most {SlotKernel.MaxSlots} {what}, not {count}", what);
    }
}

/// <summary>
/// What a staged step leaves for reading its element rule again (the effective learning rate, the
/// <c>step</c> command): the group's scalars before and after the step, this tensor's sums and its shape
/// (default: the dimension count only).
/// </summary>
public sealed record StageRecord(GroupScalars Before, GroupScalars After, ImmutableArray<double> TensorSums, int Dimensions = 1,
                                 ImmutableArray<long> Shape = default);

/// <summary>
/// Staged steps on double arrays: the reference path's and the adapter's general path's memory. Matrix stages
/// multiply with <paramref name="matrixOperations"/> (default: <see cref="ReferenceMatrixOperations{T}"/>).
/// </summary>
public sealed class DoublePasses(IReadOnlyList<DoublePasses.Tensor> tensors, IMatrixOperations<double>? matrixOperations = null) : IStagedPasses
{
    /// <summary>
    /// One tensor of the group: its step's context, its values, its gradient and its slots (null where unused), changed in
    /// place, how many dimensions it has (the record-level API's vectors have 1) and its shape (null: only the dimension count is known).
    /// </summary>
    public sealed record Tensor(StepContext Context, double[] Parameters, double[] Gradients, double[]?[] Slots, int Dimensions = 1, long[]? Shape = null);

    private readonly IMatrixOperations<double> operations = matrixOperations ?? ReferenceMatrixOperations<double>.Instance;

    // The matrix stage's output per tensor, read by the tensor's element pass in the gradient's place.
    private readonly double[]?[] directions = new double[tensors.Count][];

    /// <inheritdoc/>
    public ReadOnlySpan<long> Shape(int tensor) =>
        tensors[tensor] is { Shape: { } shape } ? shape
            : tensors[tensor].Dimensions == 1 ? new[] { (long)tensors[tensor].Parameters.Length } : default;

    /// <inheritdoc/>
    public void RunMatrixStage(int tensor, StagedHyperparameters algorithm, in StageInputs inputs)
    {
        var t = tensors[tensor];
        var direction = directions[tensor] = new double[t.Parameters.Length];
        var handles = t.Slots.Select(slot => slot is null ? default : System.Runtime.InteropServices.GCHandle.Alloc(slot, System.Runtime.InteropServices.GCHandleType.Pinned)).ToArray();
        try
        {
            IntPtr[] pointers = [.. handles.Select(h => h.IsAllocated ? h.AddrOfPinnedObject() : IntPtr.Zero)];
            algorithm.RunMatrixStage(inputs, new MatrixStageMemory<double>(t.Gradients, direction, pointers, inputs.Shape), operations);
        }
        finally
        {
            foreach (var handle in handles) if (handle.IsAllocated) handle.Free();
        }
    }

    /// <inheritdoc/>
    public int Count => tensors.Count;

    /// <inheritdoc/>
    public StepContext Context(int tensor) => tensors[tensor].Context;

    /// <inheritdoc/>
    public int Dimensions(int tensor) => tensors[tensor].Dimensions;

    /// <inheritdoc/>
    public void Reduce<TRule>(int tensor, in TRule rule, SlotSampling sampling, Span<double> sums) where TRule : struct, IReductionRule
    {
        var t = tensors[tensor];
        SlotReference.Accumulate(rule, t.Parameters, t.Gradients, t.Slots, sums, sampling);
    }

    /// <inheritdoc/>
    public void Apply<TRule>(int tensor, in TRule rule, SlotSampling sampling) where TRule : struct, ISlotRule
    {
        var t = tensors[tensor];
        SlotReference.Apply(rule, t.Parameters, directions[tensor] ?? t.Gradients, t.Slots, sampling);
        directions[tensor] = null;
    }
}

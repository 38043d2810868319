using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// Slot rules and reduction rules on float memory in place: one pass, every element of the parameter,
/// the gradient and each slot read once and written once, on the widest accelerated vector with a
/// scalar tail. Slots are pointers in <see cref="Hyperparameters.Slots"/> order; null is a slot the
/// configuration does not use. No managed allocations.
/// </summary>
public static unsafe class SlotKernel
{
    /// <summary>One element pass over <paramref name="length"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply<TRule>(in TRule rule, float* parameters, float* gradients, ReadOnlySpan<IntPtr> slots, int length)
        where TRule : struct, ISlotRule
    {
        if (slots.Length > MaxSlots) throw new ArgumentException($"at most {MaxSlots} slots", nameof(slots));
        float** pointers = stackalloc float*[Math.Max(slots.Length, 1)];
        for (int k = 0; k < slots.Length; k++) pointers[k] = (float*)slots[k];
        var memory = new SlotMemory(parameters, gradients, pointers, slots.Length);
        nuint done = Vector512.IsHardwareAccelerated ? Loop<TRule, Float512Lane>(rule, memory, 0, (nuint)length)
            : Vector256.IsHardwareAccelerated ? Loop<TRule, Float256Lane>(rule, memory, 0, (nuint)length)
            : System.Numerics.Vector.IsHardwareAccelerated ? Loop<TRule, FloatVectorLane>(rule, memory, 0, (nuint)length)
            : 0;
        Loop<TRule, FloatLane>(rule, memory, done, (nuint)length);
    }

    /// <summary>The element loop for this slot layout: one compiled per slot count (no loop over the slots per element), else the general one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Loop<TRule, TLane>(in TRule rule, SlotMemory memory, nuint start, nuint length)
        where TRule : struct, ISlotRule
        where TLane : unmanaged, IFloatLane<TLane> =>
        memory.Count switch
        {
            1 => DenseSlotLoop<TRule, TLane, One>.Apply(rule, memory, start, length),
            2 => DenseSlotLoop<TRule, TLane, Two>.Apply(rule, memory, start, length),
            3 => DenseSlotLoop<TRule, TLane, Three>.Apply(rule, memory, start, length),
            4 => DenseSlotLoop<TRule, TLane, Four>.Apply(rule, memory, start, length),
            5 => DenseSlotLoop<TRule, TLane, Five>.Apply(rule, memory, start, length),
            6 => DenseSlotLoop<TRule, TLane, Six>.Apply(rule, memory, start, length),
            _ => SlotLoop<TRule, TLane>.Apply(rule, memory, start, length),
        };

    /// <summary>
    /// One reduction pass over <paramref name="length"/> elements; adds its totals to <paramref name="sums"/>. With a
    /// <paramref name="sampling"/> stride above 1 it visits every stride-th element one at a time (a small fraction of the tensor).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Accumulate<TRule>(in TRule rule, float* parameters, float* gradients, ReadOnlySpan<IntPtr> slots, int length, Span<double> sums,
                                         SlotSampling sampling = default)
        where TRule : struct, IReductionRule
    {
        if (sampling.Stride > 1)
        {
            AccumulateSampled(rule, parameters, gradients, slots, length, sums, sampling);
            return;
        }
        if (slots.Length > MaxSlots) throw new ArgumentException($"at most {MaxSlots} slots", nameof(slots));
        if (sums.Length > MaxSlots) throw new ArgumentException($"at most {MaxSlots} sums", nameof(sums));
        float** pointers = stackalloc float*[Math.Max(slots.Length, 1)];
        // Slots the rule does not touch stay where they are: they read as zero.
        for (int k = 0; k < slots.Length; k++) pointers[k] = (rule.SlotsTouched >> k & 1) != 0 ? (float*)slots[k] : null;
        var memory = new SlotMemory(parameters, gradients, pointers, slots.Length);
        nuint done = Vector512.IsHardwareAccelerated ? Reduction<TRule, Float512Lane>(rule, memory, 0, (nuint)length, sums)
            : Vector256.IsHardwareAccelerated ? Reduction<TRule, Float256Lane>(rule, memory, 0, (nuint)length, sums)
            : System.Numerics.Vector.IsHardwareAccelerated ? Reduction<TRule, FloatVectorLane>(rule, memory, 0, (nuint)length, sums)
            : 0;
        ReductionLoop<TRule, FloatLane>.Accumulate(rule, memory, done, (nuint)length, sums);
    }

    /// <summary>The reduction loop for this slot layout and number of sums: one compiled per slot count up to six and up to four sums, else the general one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Reduction<TRule, TLane>(in TRule rule, SlotMemory memory, nuint start, nuint length, Span<double> sums)
        where TRule : struct, IReductionRule
        where TLane : unmanaged, IFloatLane<TLane> =>
        sums.Length > DenseReductionLoop<TRule, TLane, One>.MaxSums ? ReductionLoop<TRule, TLane>.Accumulate(rule, memory, start, length, sums)
        : memory.Count switch
        {
            0 => DenseReductionLoop<TRule, TLane, Zero>.Accumulate(rule, memory, start, length, sums),
            1 => DenseReductionLoop<TRule, TLane, One>.Accumulate(rule, memory, start, length, sums),
            2 => DenseReductionLoop<TRule, TLane, Two>.Accumulate(rule, memory, start, length, sums),
            3 => DenseReductionLoop<TRule, TLane, Three>.Accumulate(rule, memory, start, length, sums),
            4 => DenseReductionLoop<TRule, TLane, Four>.Accumulate(rule, memory, start, length, sums),
            5 => DenseReductionLoop<TRule, TLane, Five>.Accumulate(rule, memory, start, length, sums),
            6 => DenseReductionLoop<TRule, TLane, Six>.Accumulate(rule, memory, start, length, sums),
            _ => ReductionLoop<TRule, TLane>.Accumulate(rule, memory, start, length, sums),
        };

    private static void AccumulateSampled<TRule>(in TRule rule, float* parameters, float* gradients, ReadOnlySpan<IntPtr> slots, int length, Span<double> sums,
                                                 SlotSampling sampling)
        where TRule : struct, IReductionRule
    {
        if (slots.Length > MaxSlots) throw new ArgumentException($"at most {MaxSlots} slots", nameof(slots));
        if (sums.Length > MaxSlots) throw new ArgumentException($"at most {MaxSlots} sums", nameof(sums));
        Lanes<FloatLane> state = default;
        // Double totals per visit: a sampled pass is short, and float lanes would lose what the full pass's blocks keep.
        for (int i = 0, visit = 0; i < length; i += sampling.Stride, visit++)
        {
            for (int k = 0; k < slots.Length; k++)
                state[k] = new(slots[k] == IntPtr.Zero || (rule.SlotsTouched >> k & 1) == 0 ? 0 : ((float*)slots[k])[sampling.IsSampled(k) ? visit : i]);
            Lanes<FloatLane> terms = default;
            rule.Accumulate(new FloatLane(rule.ReadsParameter ? parameters[i] : 0), new FloatLane(gradients[i]), ref state, ref terms);
            for (int k = 0; k < slots.Length; k++)
                if (slots[k] != IntPtr.Zero && ((rule.SlotsTouched & rule.SlotsWritten) >> k & 1) != 0) ((float*)slots[k])[sampling.IsSampled(k) ? visit : i] = state[k].Value;
            for (int j = 0; j < sums.Length; j++) sums[j] += FloatLane.Total(terms[j]);
        }
    }

    /// <summary>The effective learning rate of every element from the slots after a step.</summary>
    public static void EffectiveLearningRates<TRule>(in TRule rule, ReadOnlySpan<IntPtr> slots, Span<float> destination)
        where TRule : struct, ISlotRule
    {
        Span<FloatLane> lanes = stackalloc FloatLane[Math.Max(slots.Length, 1)];
        for (int i = 0; i < destination.Length; i++)
        {
            for (int k = 0; k < slots.Length; k++) lanes[k] = new(slots[k] == IntPtr.Zero ? 0 : ((float*)slots[k])[i]);
            destination[i] = rule.EffectiveLearningRate<FloatLane>(lanes[..slots.Length]).Value;
        }
    }

    /// <summary>The most slots (and sums) a rule may have: the kernel keeps one vector of each on the stack.</summary>
    public const int MaxSlots = 16;
}

/// <summary>Where a slot pass reads and writes.</summary>
internal readonly unsafe struct SlotMemory(float* parameters, float* gradients, float** slots, int count)
{
    public readonly float* Parameters = parameters, Gradients = gradients;
    public readonly float** Slots = slots;
    public readonly int Count = count;
}

/// <summary>The element loop of a slot rule with more than six slots, one compiled method per rule and lane width; like <c>Loop</c>, never inlined and optimised from its first call.</summary>
internal static unsafe class SlotLoop<TRule, TLane>
    where TRule : struct, ISlotRule
    where TLane : unmanaged, IFloatLane<TLane>
{
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static nuint Apply(TRule rule, SlotMemory memory, nuint start, nuint length)
    {
        nuint width = (nuint)TLane.Count;
        nuint i = start;
        if (i + width > length) return i;
        int count = memory.Count;
        Lanes<TLane> state = default;
        ref float parameters = ref *memory.Parameters, gradients = ref *memory.Gradients;
        do
        {
            for (int k = 0; k < count; k++)
                state[k] = memory.Slots[k] == null || (TRule.SlotsRead >> k & 1) == 0 ? default : TLane.Load(ref *memory.Slots[k], i);
            TLane parameter = TLane.Load(ref parameters, i);
            rule.Apply(ref parameter, TRule.ReadsGradient ? TLane.Load(ref gradients, i) : default, ref state);
            TLane.Store(parameter, ref parameters, i);
            for (int k = 0; k < count; k++)
                if (memory.Slots[k] != null && (TRule.SlotsWritten >> k & 1) != 0) TLane.Store(state[k], ref *memory.Slots[k], i);
            i += width;
        }
        while (i + width <= length);
        return i;
    }
}

/// <summary>A slot count as a type, so that the dense loops are compiled with it as a constant.</summary>
internal interface ISlotCount
{
    static abstract int Value { get; }
}

internal readonly struct Zero : ISlotCount { public static int Value => 0; }
internal readonly struct One : ISlotCount { public static int Value => 1; }
internal readonly struct Two : ISlotCount { public static int Value => 2; }
internal readonly struct Three : ISlotCount { public static int Value => 3; }
internal readonly struct Four : ISlotCount { public static int Value => 4; }
internal readonly struct Five : ISlotCount { public static int Value => 5; }
internal readonly struct Six : ISlotCount { public static int Value => 6; }

/// <summary>
/// The slots of a dense loop, <typeparamref name="TCount"/> of them: their pointers in locals and every load and store
/// written out (those past the count fold away). A slot the configuration does not use (null) costs a branch on a flag that
/// never changes in the loop: it reads as zero and is not stored. A slot the rule does not read or write (its masks, constants
/// where the loop is compiled) costs nothing: its load or store folds away.
/// </summary>
internal readonly unsafe struct DenseSlots<TLane, TCount>
    where TLane : unmanaged, IFloatLane<TLane>
    where TCount : struct, ISlotCount
{
    private readonly float* s0, s1, s2, s3, s4, s5;
    private readonly bool has0, has1, has2, has3, has4, has5;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public DenseSlots(float** slots)
    {
        int count = TCount.Value;
        s0 = count > 0 ? slots[0] : null;
        s1 = count > 1 ? slots[1] : null;
        s2 = count > 2 ? slots[2] : null;
        s3 = count > 3 ? slots[3] : null;
        s4 = count > 4 ? slots[4] : null;
        s5 = count > 5 ? slots[5] : null;
        (has0, has1, has2, has3, has4, has5) = (s0 != null, s1 != null, s2 != null, s3 != null, s4 != null, s5 != null);
    }

    /// <summary>Loads the slots in <paramref name="read"/> (bit k for slot k; a constant where the loop is compiled, so the others' loads fold away); the others read as zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load(ref Lanes<TLane> state, nuint i, int read)
    {
        int count = TCount.Value;
        if (count > 0) state[0] = has0 && (read & 1 << 0) != 0 ? TLane.Load(ref *s0, i) : default;
        if (count > 1) state[1] = has1 && (read & 1 << 1) != 0 ? TLane.Load(ref *s1, i) : default;
        if (count > 2) state[2] = has2 && (read & 1 << 2) != 0 ? TLane.Load(ref *s2, i) : default;
        if (count > 3) state[3] = has3 && (read & 1 << 3) != 0 ? TLane.Load(ref *s3, i) : default;
        if (count > 4) state[4] = has4 && (read & 1 << 4) != 0 ? TLane.Load(ref *s4, i) : default;
        if (count > 5) state[5] = has5 && (read & 1 << 5) != 0 ? TLane.Load(ref *s5, i) : default;
    }

    /// <summary>Stores the slots in <paramref name="written"/>, as <see cref="Load"/> loads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref Lanes<TLane> state, nuint i, int written)
    {
        int count = TCount.Value;
        if (count > 0 && has0 && (written & 1 << 0) != 0) TLane.Store(state[0], ref *s0, i);
        if (count > 1 && has1 && (written & 1 << 1) != 0) TLane.Store(state[1], ref *s1, i);
        if (count > 2 && has2 && (written & 1 << 2) != 0) TLane.Store(state[2], ref *s2, i);
        if (count > 3 && has3 && (written & 1 << 3) != 0) TLane.Store(state[3], ref *s3, i);
        if (count > 4 && has4 && (written & 1 << 4) != 0) TLane.Store(state[4], ref *s4, i);
        if (count > 5 && has5 && (written & 1 << 5) != 0) TLane.Store(state[5], ref *s5, i);
    }
}

/// <summary>
/// The element loop of a slot rule with <typeparamref name="TCount"/> slots (<see cref="DenseSlots{TLane, TCount}"/>), where the
/// general loop walks an array of pointers per element; measured in cache, 1.5–2× faster than it.
/// </summary>
internal static unsafe class DenseSlotLoop<TRule, TLane, TCount>
    where TRule : struct, ISlotRule
    where TLane : unmanaged, IFloatLane<TLane>
    where TCount : struct, ISlotCount
{
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static nuint Apply(TRule rule, SlotMemory memory, nuint start, nuint length)
    {
        nuint width = (nuint)TLane.Count;
        nuint i = start;
        if (i + width > length) return i;
        var slots = new DenseSlots<TLane, TCount>(memory.Slots);
        Lanes<TLane> state = default;
        ref float parameters = ref *memory.Parameters, gradients = ref *memory.Gradients;
        do
        {
            slots.Load(ref state, i, TRule.SlotsRead);
            TLane parameter = TLane.Load(ref parameters, i);
            rule.Apply(ref parameter, TRule.ReadsGradient ? TLane.Load(ref gradients, i) : default, ref state);
            TLane.Store(parameter, ref parameters, i);
            slots.Store(ref state, i, TRule.SlotsWritten);
            i += width;
        }
        while (i + width <= length);
        return i;
    }
}

/// <summary>The element loop of a reduction rule with more slots or sums than the dense one takes: lanes add up in float for a block, then into the double totals.</summary>
internal static unsafe class ReductionLoop<TRule, TLane>
    where TRule : struct, IReductionRule
    where TLane : unmanaged, IFloatLane<TLane>
{
    // float keeps about 7 digits; adding at most this many terms per lane before moving to double keeps the sums' error near float's rounding of one block.
    internal const int Block = 256;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static nuint Accumulate(TRule rule, SlotMemory memory, nuint start, nuint length, Span<double> totals)
    {
        nuint width = (nuint)TLane.Count;
        nuint i = start;
        if (i + width > length) return i;
        int count = memory.Count;
        Lanes<TLane> state = default;
        ref float parameters = ref *memory.Parameters, gradients = ref *memory.Gradients;
        // Dynamic indices keep these lanes on the stack; the dense loop below is the fast one.
        while (i + width <= length)
        {
            Lanes<TLane> sums = default;
            for (int n = 0; n < Block && i + width <= length; n++, i += width)
            {
                for (int k = 0; k < count; k++)
                    state[k] = memory.Slots[k] == null ? default : TLane.Load(ref *memory.Slots[k], i);
                rule.Accumulate(rule.ReadsParameter ? TLane.Load(ref parameters, i) : default, TLane.Load(ref gradients, i), ref state, ref sums);
                for (int k = 0; k < count; k++)
                    if (memory.Slots[k] != null && (rule.SlotsWritten >> k & 1) != 0) TLane.Store(state[k], ref *memory.Slots[k], i);
            }
            for (int j = 0; j < totals.Length; j++) totals[j] += TLane.Total(sums[j]);
        }
        return i;
    }
}

/// <summary>
/// The element loop of a reduction rule with <typeparamref name="TCount"/> slots (<see cref="DenseSlots{TLane, TCount}"/>) and at
/// most <see cref="MaxSums"/> sums: the block's sums are indexed by constants only, so the JIT keeps them in registers (with the
/// general loop each sum went through the stack on every element). The sums are added in the same order as there, so the
/// totals are the same to the bit.
/// </summary>
internal static unsafe class DenseReductionLoop<TRule, TLane, TCount>
    where TRule : struct, IReductionRule
    where TLane : unmanaged, IFloatLane<TLane>
    where TCount : struct, ISlotCount
{
    /// <summary>The most sums this loop keeps in registers.</summary>
    public const int MaxSums = 4;

    // The general loop's blocks, so that both add the same terms in the same order.
    private const int Block = ReductionLoop<TRule, TLane>.Block;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static nuint Accumulate(TRule rule, SlotMemory memory, nuint start, nuint length, Span<double> totals)
    {
        nuint width = (nuint)TLane.Count;
        nuint i = start;
        if (i + width > length) return i;
        int sumCount = totals.Length;
        var slots = new DenseSlots<TLane, TCount>(memory.Slots);
        int touched = rule.SlotsTouched, written = rule.SlotsWritten;
        bool readsParameter = rule.ReadsParameter;
        Lanes<TLane> state = default;
        ref float parameters = ref *memory.Parameters, gradients = ref *memory.Gradients;
        do
        {
            Lanes<TLane> sums = default;
            nuint blockEnd = Math.Min(length, i + Block * width);
            do
            {
                slots.Load(ref state, i, touched);
                rule.Accumulate(readsParameter ? TLane.Load(ref parameters, i) : default, TLane.Load(ref gradients, i), ref state, ref sums);
                slots.Store(ref state, i, written);
                i += width;
            }
            while (i + width <= blockEnd);
            if (sumCount > 0) totals[0] += TLane.Total(sums[0]);
            if (sumCount > 1) totals[1] += TLane.Total(sums[1]);
            if (sumCount > 2) totals[2] += TLane.Total(sums[2]);
            if (sumCount > 3) totals[3] += TLane.Total(sums[3]);
        }
        while (i + width <= length);
        return i;
    }
}

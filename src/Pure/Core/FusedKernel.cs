using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// Applies a rule to float memory in place, in one pass: each element of the parameter, the
/// gradient and every used state buffer is read once and written once. The body runs on the
/// widest accelerated vector (AVX-512, then AVX, then <see cref="System.Numerics.Vector{T}"/>),
/// the tail on single floats. No allocations.
/// </summary>
public static class FusedKernel
{
    /// <summary>
    /// One step over <paramref name="parameters"/>. A state span that is empty is a slot the
    /// algorithm does not use; the others must be as long as the parameters.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply<TRule>(in TRule rule, Span<float> parameters, ReadOnlySpan<float> gradients,
                                    Span<float> state0, Span<float> state1, Span<float> state2)
        where TRule : struct, IElementRule
    {
        int length = parameters.Length;
        if (gradients.Length != length) throw new ArgumentException("gradient length differs from parameter length", nameof(gradients));
        CheckSlot(state0, length, nameof(state0));
        CheckSlot(state1, length, nameof(state1));
        CheckSlot(state2, length, nameof(state2));

        if (Vector512.IsHardwareAccelerated) ApplyWith<TRule, Float512Lane>(rule, parameters, gradients, state0, state1, state2);
        else if (Vector256.IsHardwareAccelerated) ApplyWith<TRule, Float256Lane>(rule, parameters, gradients, state0, state1, state2);
        else if (System.Numerics.Vector.IsHardwareAccelerated) ApplyWith<TRule, FloatVectorLane>(rule, parameters, gradients, state0, state1, state2);
        else ApplyWith<TRule, FloatLane>(rule, parameters, gradients, state0, state1, state2);
    }

    /// <summary>The body on <typeparamref name="TLane"/>, the tail on single floats; tests run every width through it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ApplyWith<TRule, TLane>(in TRule rule, Span<float> parameters, ReadOnlySpan<float> gradients,
                                                 Span<float> state0, Span<float> state1, Span<float> state2)
        where TRule : struct, IElementRule
        where TLane : struct, IFloatLane<TLane>
    {
        var memory = new Memory(parameters, gradients, state0, state1, state2);
        nuint length = (nuint)parameters.Length;
        // Which slots exist becomes part of the loop's type, so the loop has no per-element branch on it.
        nuint done = (memory.Has0, memory.Has1, memory.Has2) switch
        {
            (true, false, false) => Loop<TRule, TLane, Yes, No, No>.Run(rule, memory, 0, length),
            (true, true, false) => Loop<TRule, TLane, Yes, Yes, No>.Run(rule, memory, 0, length),
            (true, true, true) => Loop<TRule, TLane, Yes, Yes, Yes>.Run(rule, memory, 0, length),
            (true, false, true) => Loop<TRule, TLane, Yes, No, Yes>.Run(rule, memory, 0, length),
            (false, false, false) => Loop<TRule, TLane, No, No, No>.Run(rule, memory, 0, length),
            _ => Loop<TRule, TLane, Maybe, Maybe, Maybe>.Run(rule, memory, 0, length),
        };
        Loop<TRule, FloatLane, Maybe, Maybe, Maybe>.Run(rule, memory, done, length);
    }

    private static void CheckSlot(Span<float> slot, int length, string name)
    {
        if (!slot.IsEmpty && slot.Length != length) throw new ArgumentException($"state length {slot.Length} differs from parameter length {length}", name);
    }

    /// <summary>The memory of one step: where each buffer starts, and which state slots there are.</summary>
    internal readonly ref struct Memory(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> state0, Span<float> state1, Span<float> state2)
    {
        public readonly ref float Parameters = ref MemoryMarshal.GetReference(parameters);
        public readonly ref float Gradients = ref MemoryMarshal.GetReference(gradients);
        public readonly ref float State0 = ref MemoryMarshal.GetReference(state0);
        public readonly ref float State1 = ref MemoryMarshal.GetReference(state1);
        public readonly ref float State2 = ref MemoryMarshal.GetReference(state2);
        public readonly bool Has0 = !state0.IsEmpty, Has1 = !state1.IsEmpty, Has2 = !state2.IsEmpty;
    }

    /// <summary>The effective learning rate of every element, from the state after a step.</summary>
    public static void EffectiveLearningRates<TRule>(in TRule rule, Span<float> destination,
                                                     ReadOnlySpan<float> state0, ReadOnlySpan<float> state1, ReadOnlySpan<float> state2)
        where TRule : struct, IElementRule
    {
        for (int i = 0; i < destination.Length; i++)
        {
            var rate = rule.EffectiveLearningRate(Element(state0, i), Element(state1, i), Element(state2, i));
            destination[i] = rate.Value;
        }
    }

    private static FloatLane Element(ReadOnlySpan<float> slot, int index) => new(slot.IsEmpty ? 0 : slot[index]);
}

using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>Whether a state slot is present, as a type: the loop is compiled once per combination, without a branch per element.</summary>
internal interface ISlotPresence
{
    /// <summary>Whether the slot is present, given what the memory says (only <see cref="Maybe"/> asks it).</summary>
    static abstract bool Present(bool inMemory);
}

internal readonly struct Yes : ISlotPresence
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Present(bool inMemory) => true;
}

internal readonly struct No : ISlotPresence
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Present(bool inMemory) => false;
}

internal readonly struct Maybe : ISlotPresence
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Present(bool inMemory) => inMemory;
}

/// <summary>
/// The fused kernel's element loop, one compiled method per rule, lane width and slot layout.
/// </summary>
/// <remarks>
/// Its code must not depend on who calls it or on what the JIT's tiering decides. So <see cref="Run"/>
/// is never inlined (a caller recompiled with dynamic PGO once pulled the loop in, ran out of inlining
/// budget and left the rule's <c>Apply</c> and the lanes' <c>Store</c> as calls: 5× slower) and is
/// optimised fully from its first call (no tier-0 or instrumented copy); the rule, every lane
/// operation and every rule's <c>Apply</c> are <c>AggressiveInlining</c>, so they always fold into it.
/// The rule is a copy in a local, so its scalars live in registers and their broadcasts are hoisted
/// out of the loop. <c>KernelAttributeProperties</c> checks these attributes.
/// </remarks>
internal static class Loop<TRule, TLane, THas0, THas1, THas2>
    where TRule : struct, IElementRule
    where TLane : struct, IFloatLane<TLane>
    where THas0 : struct, ISlotPresence
    where THas1 : struct, ISlotPresence
    where THas2 : struct, ISlotPresence
{
    /// <summary>Runs whole <typeparamref name="TLane"/>s from <paramref name="start"/>; returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static nuint Run(TRule rule, scoped in FusedKernel.Memory memory, nuint start, nuint length)
    {
        ref float parameters = ref memory.Parameters, gradients = ref memory.Gradients;
        ref float state0 = ref memory.State0, state1 = ref memory.State1, state2 = ref memory.State2;
        bool has0 = THas0.Present(memory.Has0), has1 = THas1.Present(memory.Has1), has2 = THas2.Present(memory.Has2);
        nuint width = (nuint)TLane.Count;
        nuint i = start;
        if (i + width > length) return i;
        TLane unused = default;
        // Tested at the bottom, so that the body dominates the exit and the JIT hoists the rule's broadcasts out of it.
        do
        {
            TLane parameter = TLane.Load(ref parameters, i);
            TLane s0 = has0 ? TLane.Load(ref state0, i) : unused;
            TLane s1 = has1 ? TLane.Load(ref state1, i) : unused;
            TLane s2 = has2 ? TLane.Load(ref state2, i) : unused;
            rule.Apply(ref parameter, TLane.Load(ref gradients, i), ref s0, ref s1, ref s2);
            TLane.Store(parameter, ref parameters, i);
            if (has0) TLane.Store(s0, ref state0, i);
            if (has1) TLane.Store(s1, ref state1, i);
            if (has2) TLane.Store(s2, ref state2, i);
            i += width;
        }
        while (i + width <= length);
        return i;
    }
}

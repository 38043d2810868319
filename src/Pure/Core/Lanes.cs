using System.Runtime.CompilerServices;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// A fixed row of <see cref="SlotKernel.MaxSlots"/> lanes: one element's state slots, or a reduction's running sums,
/// as a slot rule sees them. Passed by reference into a rule that inlines into the kernel's loop, the JIT keeps the
/// lanes the rule touches in registers; a span over the same lanes made every slot go through the stack on every element.
/// </summary>
/// <remarks>Only the first (slot count) lanes mean anything; the rest stay zero and are never stored.</remarks>
[InlineArray(SlotKernel.MaxSlots)]
public struct Lanes<T> where T : unmanaged
{
    private T first;
}

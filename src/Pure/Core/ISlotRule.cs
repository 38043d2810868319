using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// One algorithm's update of one element over any number of state slots, written once for every
/// number type (<c>double</c> on the reference path, SIMD vectors of <c>float</c> in the kernel).
/// The state lanes hold the element's slots in <see cref="Hyperparameters.Slots"/> order;
/// a slot the configuration does not use reads as zero and is not stored.
/// </summary>
/// <remarks>
/// The rule inlines into the kernel's loop, which runs it for every element with the same fields. Write every
/// <c>T.Broadcast</c> before the rule's first branch: the JIT hoists out of the loop only what runs on every path
/// through it, and a broadcast left under an <c>if</c> (or after an early return) is redone for every element.
/// The general shape of <see cref="IElementRule"/>, which stays for the classic algorithms: three
/// slots as references keep their single fused pass as fast as it was.
/// </remarks>
public interface ISlotRule
{
    /// <summary>Every slot, the default of <see cref="SlotsRead"/> and <see cref="SlotsWritten"/>.</summary>
    const int AllSlots = ~0;

    /// <summary>
    /// The slots the rule reads, bit k for slot k: the pass loads only those, and the others read as zero. A rule of an
    /// element pass that follows a reduction often reads only what the reduction left (LAMB's m and v, not its other slots).
    /// </summary>
    static virtual int SlotsRead => AllSlots;

    /// <summary>
    /// The slots the rule writes, bit k for slot k: the pass stores only those, and what the rule leaves in the others' lanes is
    /// dropped. A slot read and not written then moves through memory once, not twice.
    /// </summary>
    static virtual int SlotsWritten => AllSlots;

    /// <summary>Whether the rule reads the gradient; when not, the pass does not touch it (it reads as zero).</summary>
    static virtual bool ReadsGradient => true;

    /// <summary>Updates <paramref name="parameter"/> and the slots in place for one step.</summary>
    void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>;

    /// <summary>The per-element learning rate this step applies to its update direction, from the state after the step.</summary>
    T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T>;
}

/// <summary>
/// The optional first pass of a step: each element adds to a few sums (norms, dot products, Prodigy's
/// numerator and denominator) and may update slots that the sums are taken over.
/// </summary>
public interface IReductionRule
{
    /// <summary>
    /// The slots the rule reads or writes, bit k for slot k: the pass loads and stores only those, and the others read as
    /// zero (a norm of the gradient need not move the slots through memory twice in a step).
    /// </summary>
    int SlotsTouched { get; }

    /// <summary>The touched slots the rule writes (a subset of <see cref="SlotsTouched"/>): the others are read and not stored back.</summary>
    int SlotsWritten { get; }

    /// <summary>Whether the rule reads the parameter; when not, the pass does not touch it (it reads as zero).</summary>
    bool ReadsParameter { get; }

    /// <summary>Adds this element's terms to <paramref name="sums"/> and updates the slots it owns in place.</summary>
    void Accumulate<T>(T parameter, T gradient, ref Lanes<T> state, ref Lanes<T> sums) where T : unmanaged, ILane<T>;
}

/// <summary>Receives a step's slot rule with its concrete type (no boxing), as <see cref="IRuleVisitor{TResult}"/> does for element rules.</summary>
public interface ISlotRuleVisitor<out TResult>
{
    /// <summary>Called once with the rule of the step.</summary>
    TResult Visit<TRule>(in TRule rule) where TRule : struct, ISlotRule;
}

/// <summary>Receives a step's reduction rule with its concrete type.</summary>
public interface IReductionRuleVisitor<out TResult>
{
    /// <summary>Called once with the reduction rule of the step.</summary>
    TResult Visit<TRule>(in TRule rule) where TRule : struct, IReductionRule;
}

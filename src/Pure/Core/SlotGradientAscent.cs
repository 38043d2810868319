using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary><c>maximize</c> for slot rules: the rule steps on −g (see <see cref="GradientAscent{TRule}"/>).</summary>
public readonly struct SlotGradientAscent<TRule>(TRule rule) : ISlotRule where TRule : struct, ISlotRule
{
    private readonly TRule rule = rule;

    /// <inheritdoc/>
    public static int SlotsRead => TRule.SlotsRead;

    /// <inheritdoc/>
    public static int SlotsWritten => TRule.SlotsWritten;

    /// <inheritdoc/>
    public static bool ReadsGradient => TRule.ReadsGradient;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T> => rule.Apply(ref parameter, -gradient, ref state);

    /// <inheritdoc/>
    public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> => rule.EffectiveLearningRate(state);
}

/// <summary><c>maximize</c> for reduction rules: the sums are taken over −g.</summary>
public readonly struct ReductionGradientAscent<TRule>(TRule rule) : IReductionRule where TRule : struct, IReductionRule
{
    private readonly TRule rule = rule;

    /// <inheritdoc/>
    public int SlotsTouched => rule.SlotsTouched;

    /// <inheritdoc/>
    public int SlotsWritten => rule.SlotsWritten;

    /// <inheritdoc/>
    public bool ReadsParameter => rule.ReadsParameter;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Accumulate<T>(T parameter, T gradient, ref Lanes<T> state, ref Lanes<T> sums) where T : unmanaged, ILane<T> =>
        rule.Accumulate(parameter, -gradient, ref state, ref sums);
}

internal struct SlotAscentVisitor<TVisitor, TResult>(TVisitor inner) : ISlotRuleVisitor<TResult>
    where TVisitor : struct, ISlotRuleVisitor<TResult>
{
    public TVisitor Inner = inner;

    public TResult Visit<TRule>(in TRule rule) where TRule : struct, ISlotRule => Inner.Visit(new SlotGradientAscent<TRule>(rule));
}

internal struct ReductionAscentVisitor<TVisitor, TResult>(TVisitor inner) : IReductionRuleVisitor<TResult>
    where TVisitor : struct, IReductionRuleVisitor<TResult>
{
    public TVisitor Inner = inner;

    public TResult Visit<TRule>(in TRule rule) where TRule : struct, IReductionRule => Inner.Visit(new ReductionGradientAscent<TRule>(rule));
}

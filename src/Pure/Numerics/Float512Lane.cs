using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>16 floats in an AVX-512 register.</summary>
public readonly partial record struct Float512Lane(Vector512<float> Value) : IFloatLane<Float512Lane>
{
    /// <inheritdoc/>
    public static int Count => Vector512<float>.Count;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Load(ref float source, nuint offset) => new(Vector512.LoadUnsafe(ref source, offset));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Float512Lane value, ref float destination, nuint offset) => value.Value.StoreUnsafe(ref destination, offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Broadcast(double value) => new(Vector512.Create((float)value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Sqrt(Float512Lane x) => new(Vector512.Sqrt(x.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Max(Float512Lane left, Float512Lane right) => new(Vector512.Max(left.Value, right.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Min(Float512Lane left, Float512Lane right) => new(Vector512.Min(left.Value, right.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane WherePositive(Float512Lane condition, Float512Lane whenPositive, Float512Lane otherwise) => new(Vector512.ConditionalSelect(Vector512.GreaterThan(condition.Value, Vector512<float>.Zero), whenPositive.Value, otherwise.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Abs(Float512Lane x) => new(Vector512.Abs(x.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Sign(Float512Lane x) =>
        // One with x's sign, where x is neither zero nor NaN (an ordered not-equal): a bitwise select and a compare into a mask.
        new(Vector512.ConditionalSelect(Avx512F.Compare(x.Value, Vector512<float>.Zero, FloatComparisonMode.OrderedNotEqualNonSignaling),
                                        Vector512.ConditionalSelect(Vector512.Create(-0f), x.Value, Vector512<float>.One), Vector512<float>.Zero));
    /// <summary>Element-wise sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane operator +(Float512Lane left, Float512Lane right) => new(left.Value + right.Value);
    /// <summary>Element-wise difference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane operator -(Float512Lane left, Float512Lane right) => new(left.Value - right.Value);
    /// <summary>Element-wise product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane operator *(Float512Lane left, Float512Lane right) => new(left.Value * right.Value);
    /// <summary>Element-wise quotient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane operator /(Float512Lane left, Float512Lane right) => new(left.Value / right.Value);
    /// <summary>Element-wise negation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane operator -(Float512Lane x) => new(-x.Value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Total(Float512Lane x) => Vector512.Sum(x.Value);
}

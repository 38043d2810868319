using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>8 floats in an AVX register.</summary>
public readonly partial record struct Float256Lane(Vector256<float> Value) : IFloatLane<Float256Lane>
{
    /// <inheritdoc/>
    public static int Count => Vector256<float>.Count;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane Load(ref float source, nuint offset) => new(Vector256.LoadUnsafe(ref source, offset));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Float256Lane value, ref float destination, nuint offset) => value.Value.StoreUnsafe(ref destination, offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane Broadcast(double value) => new(Vector256.Create((float)value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane Sqrt(Float256Lane x) => new(Vector256.Sqrt(x.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane Max(Float256Lane left, Float256Lane right) => new(Vector256.Max(left.Value, right.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane Min(Float256Lane left, Float256Lane right) => new(Vector256.Min(left.Value, right.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane WherePositive(Float256Lane condition, Float256Lane whenPositive, Float256Lane otherwise) => new(Vector256.ConditionalSelect(Vector256.GreaterThan(condition.Value, Vector256<float>.Zero), whenPositive.Value, otherwise.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane Abs(Float256Lane x) => new(Vector256.Abs(x.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane Sign(Float256Lane x) =>
        new(Vector256.ConditionalSelect(Vector256.GreaterThan(x.Value, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero)
            - Vector256.ConditionalSelect(Vector256.LessThan(x.Value, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero));
    /// <summary>Element-wise sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane operator +(Float256Lane left, Float256Lane right) => new(left.Value + right.Value);
    /// <summary>Element-wise difference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane operator -(Float256Lane left, Float256Lane right) => new(left.Value - right.Value);
    /// <summary>Element-wise product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane operator *(Float256Lane left, Float256Lane right) => new(left.Value * right.Value);
    /// <summary>Element-wise quotient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane operator /(Float256Lane left, Float256Lane right) => new(left.Value / right.Value);
    /// <summary>Element-wise negation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane operator -(Float256Lane x) => new(-x.Value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Total(Float256Lane x) => Vector256.Sum(x.Value);
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>4 floats in a 128-bit register (SSE on x86, NEON on ARM64): the compressed-state lanes where neither AVX-512 nor AVX2 is accelerated.</summary>
public readonly partial record struct Float128Lane(Vector128<float> Value) : IFloatLane<Float128Lane>
{
    /// <inheritdoc/>
    public static int Count => Vector128<float>.Count;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane Load(ref float source, nuint offset) => new(Vector128.LoadUnsafe(ref source, offset));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Float128Lane value, ref float destination, nuint offset) => value.Value.StoreUnsafe(ref destination, offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane Broadcast(double value) => new(Vector128.Create((float)value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane Sqrt(Float128Lane x) => new(Vector128.Sqrt(x.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane Max(Float128Lane left, Float128Lane right) => new(Vector128.Max(left.Value, right.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane Min(Float128Lane left, Float128Lane right) => new(Vector128.Min(left.Value, right.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane WherePositive(Float128Lane condition, Float128Lane whenPositive, Float128Lane otherwise) => new(Vector128.ConditionalSelect(Vector128.GreaterThan(condition.Value, Vector128<float>.Zero), whenPositive.Value, otherwise.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane Abs(Float128Lane x) => new(Vector128.Abs(x.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane Sign(Float128Lane x) =>
        new(Vector128.ConditionalSelect(Vector128.GreaterThan(x.Value, Vector128<float>.Zero), Vector128<float>.One, Vector128<float>.Zero)
            - Vector128.ConditionalSelect(Vector128.LessThan(x.Value, Vector128<float>.Zero), Vector128<float>.One, Vector128<float>.Zero));
    /// <summary>Element-wise sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane operator +(Float128Lane left, Float128Lane right) => new(left.Value + right.Value);
    /// <summary>Element-wise difference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane operator -(Float128Lane left, Float128Lane right) => new(left.Value - right.Value);
    /// <summary>Element-wise product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane operator *(Float128Lane left, Float128Lane right) => new(left.Value * right.Value);
    /// <summary>Element-wise quotient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane operator /(Float128Lane left, Float128Lane right) => new(left.Value / right.Value);
    /// <summary>Element-wise negation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane operator -(Float128Lane x) => new(-x.Value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Total(Float128Lane x) => Vector128.Sum(x.Value);
}

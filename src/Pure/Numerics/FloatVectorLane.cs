using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>The platform's preferred vector of floats: the portable fallback where neither AVX-512 nor AVX is accelerated.</summary>
public readonly record struct FloatVectorLane(Vector<float> Value) : IFloatLane<FloatVectorLane>
{
    /// <inheritdoc/>
    public static int Count => Vector<float>.Count;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane Load(ref float source, nuint offset) => new(Vector.LoadUnsafe(ref source, offset));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(FloatVectorLane value, ref float destination, nuint offset) => value.Value.StoreUnsafe(ref destination, offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane Broadcast(double value) => new(new Vector<float>((float)value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane Sqrt(FloatVectorLane x) => new(Vector.SquareRoot(x.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane Max(FloatVectorLane left, FloatVectorLane right) => new(Vector.Max(left.Value, right.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane Min(FloatVectorLane left, FloatVectorLane right) => new(Vector.Min(left.Value, right.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane WherePositive(FloatVectorLane condition, FloatVectorLane whenPositive, FloatVectorLane otherwise) => new(Vector.ConditionalSelect(Vector.GreaterThan(condition.Value, Vector<float>.Zero), whenPositive.Value, otherwise.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane Abs(FloatVectorLane x) => new(Vector.Abs(x.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane Sign(FloatVectorLane x) =>
        new(Vector.ConditionalSelect(Vector.GreaterThan(x.Value, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero)
            - Vector.ConditionalSelect(Vector.LessThan(x.Value, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero));
    /// <summary>Element-wise sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane operator +(FloatVectorLane left, FloatVectorLane right) => new(left.Value + right.Value);
    /// <summary>Element-wise difference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane operator -(FloatVectorLane left, FloatVectorLane right) => new(left.Value - right.Value);
    /// <summary>Element-wise product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane operator *(FloatVectorLane left, FloatVectorLane right) => new(left.Value * right.Value);
    /// <summary>Element-wise quotient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane operator /(FloatVectorLane left, FloatVectorLane right) => new(left.Value / right.Value);
    /// <summary>Element-wise negation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatVectorLane operator -(FloatVectorLane x) => new(-x.Value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Total(FloatVectorLane x) => System.Numerics.Vector.Sum(x.Value);
}

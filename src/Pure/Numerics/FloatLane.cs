using System.Runtime.CompilerServices;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>One <c>float</c>: the fused kernel's tail after the last full vector.</summary>
public readonly partial record struct FloatLane(float Value) : IFloatLane<FloatLane>
{
    /// <inheritdoc/>
    public static int Count => 1;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Load(ref float source, nuint offset) => new(Unsafe.Add(ref source, offset));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(FloatLane value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value.Value;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Broadcast(double value) => new((float)value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Sqrt(FloatLane x) => new(MathF.Sqrt(x.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Max(FloatLane left, FloatLane right) => new(MathF.Max(left.Value, right.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Min(FloatLane left, FloatLane right) => new(MathF.Min(left.Value, right.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane WherePositive(FloatLane condition, FloatLane whenPositive, FloatLane otherwise) => condition.Value > 0 ? whenPositive : otherwise;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Abs(FloatLane x) => new(MathF.Abs(x.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Sign(FloatLane x) => new(x.Value > 0 ? 1 : x.Value < 0 ? -1 : 0); // as the vector lanes: NaN gives 0; MathF.Sign is a call that throws on NaN
    /// <summary>Element-wise sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane operator +(FloatLane left, FloatLane right) => new(left.Value + right.Value);
    /// <summary>Element-wise difference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane operator -(FloatLane left, FloatLane right) => new(left.Value - right.Value);
    /// <summary>Element-wise product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane operator *(FloatLane left, FloatLane right) => new(left.Value * right.Value);
    /// <summary>Element-wise quotient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane operator /(FloatLane left, FloatLane right) => new(left.Value / right.Value);
    /// <summary>Element-wise negation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane operator -(FloatLane x) => new(-x.Value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Total(FloatLane x) => x.Value;
}

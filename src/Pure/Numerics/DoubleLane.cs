using System.Runtime.CompilerServices;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>One <c>double</c>: the reference path (<c>step</c>, the record-level API, the tests).</summary>
public readonly record struct DoubleLane(double Value) : ILane<DoubleLane>
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLane Broadcast(double value) => new(value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLane Sqrt(DoubleLane x) => new(Math.Sqrt(x.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLane Max(DoubleLane left, DoubleLane right) => new(Math.Max(left.Value, right.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLane Min(DoubleLane left, DoubleLane right) => new(Math.Min(left.Value, right.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLane WherePositive(DoubleLane condition, DoubleLane whenPositive, DoubleLane otherwise) => condition.Value > 0 ? whenPositive : otherwise;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLane Abs(DoubleLane x) => new(Math.Abs(x.Value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLane Sign(DoubleLane x) => new(Math.Sign(x.Value));
    /// <summary>Element-wise sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLane operator +(DoubleLane left, DoubleLane right) => new(left.Value + right.Value);
    /// <summary>Element-wise difference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLane operator -(DoubleLane left, DoubleLane right) => new(left.Value - right.Value);
    /// <summary>Element-wise product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLane operator *(DoubleLane left, DoubleLane right) => new(left.Value * right.Value);
    /// <summary>Element-wise quotient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLane operator /(DoubleLane left, DoubleLane right) => new(left.Value / right.Value);
    /// <summary>Element-wise negation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLane operator -(DoubleLane x) => new(-x.Value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Total(DoubleLane x) => x.Value;
}

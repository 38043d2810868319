using System.Runtime.CompilerServices;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>One <c>float</c>: the fused kernel's tail after the last full vector.</summary>
public readonly record struct FloatLane(float Value) : IFloatLane<FloatLane>
{
    /// <inheritdoc/>
    public static int Count => 1;
    /// <inheritdoc/>
    public static FloatLane Load(ref float source, nuint offset) => new(Unsafe.Add(ref source, offset));
    /// <inheritdoc/>
    public static void Store(FloatLane value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value.Value;
    /// <inheritdoc/>
    public static FloatLane Broadcast(double value) => new((float)value);
    /// <inheritdoc/>
    public static FloatLane Sqrt(FloatLane x) => new(MathF.Sqrt(x.Value));
    /// <inheritdoc/>
    public static FloatLane Max(FloatLane left, FloatLane right) => new(MathF.Max(left.Value, right.Value));
    /// <inheritdoc/>
    public static FloatLane Abs(FloatLane x) => new(MathF.Abs(x.Value));
    /// <inheritdoc/>
    public static FloatLane Sign(FloatLane x) => new(MathF.Sign(x.Value));
    /// <summary>Element-wise sum.</summary>
    public static FloatLane operator +(FloatLane left, FloatLane right) => new(left.Value + right.Value);
    /// <summary>Element-wise difference.</summary>
    public static FloatLane operator -(FloatLane left, FloatLane right) => new(left.Value - right.Value);
    /// <summary>Element-wise product.</summary>
    public static FloatLane operator *(FloatLane left, FloatLane right) => new(left.Value * right.Value);
    /// <summary>Element-wise quotient.</summary>
    public static FloatLane operator /(FloatLane left, FloatLane right) => new(left.Value / right.Value);
    /// <summary>Element-wise negation.</summary>
    public static FloatLane operator -(FloatLane x) => new(-x.Value);
}

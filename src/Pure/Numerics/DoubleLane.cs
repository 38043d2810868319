namespace AdaptiveLR.Pure.Numerics;

/// <summary>One <c>double</c>: the reference path (<c>step</c>, the record-level API, the tests).</summary>
public readonly record struct DoubleLane(double Value) : ILane<DoubleLane>
{
    /// <inheritdoc/>
    public static DoubleLane Broadcast(double value) => new(value);
    /// <inheritdoc/>
    public static DoubleLane Sqrt(DoubleLane x) => new(Math.Sqrt(x.Value));
    /// <inheritdoc/>
    public static DoubleLane Max(DoubleLane left, DoubleLane right) => new(Math.Max(left.Value, right.Value));
    /// <inheritdoc/>
    public static DoubleLane Abs(DoubleLane x) => new(Math.Abs(x.Value));
    /// <inheritdoc/>
    public static DoubleLane Sign(DoubleLane x) => new(Math.Sign(x.Value));
    /// <summary>Element-wise sum.</summary>
    public static DoubleLane operator +(DoubleLane left, DoubleLane right) => new(left.Value + right.Value);
    /// <summary>Element-wise difference.</summary>
    public static DoubleLane operator -(DoubleLane left, DoubleLane right) => new(left.Value - right.Value);
    /// <summary>Element-wise product.</summary>
    public static DoubleLane operator *(DoubleLane left, DoubleLane right) => new(left.Value * right.Value);
    /// <summary>Element-wise quotient.</summary>
    public static DoubleLane operator /(DoubleLane left, DoubleLane right) => new(left.Value / right.Value);
    /// <summary>Element-wise negation.</summary>
    public static DoubleLane operator -(DoubleLane x) => new(-x.Value);
}

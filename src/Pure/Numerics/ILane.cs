using System.Numerics;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>
/// A number type an update rule can run on: one <c>double</c> (the reference path), one
/// <c>float</c> (the kernel's tail) or a SIMD vector of floats (the kernel's body). .NET's vector
/// types implement neither <c>INumber</c> nor the operator interfaces, so each lane type is a
/// one-field struct that supplies both; the JIT erases the wrapper.
/// </summary>
public interface ILane<T> :
    IAdditionOperators<T, T, T>, ISubtractionOperators<T, T, T>,
    IMultiplyOperators<T, T, T>, IDivisionOperators<T, T, T>, IUnaryNegationOperators<T, T>
    where T : struct, ILane<T>
{
    /// <summary>The scalar in every lane.</summary>
    static abstract T Broadcast(double value);

    /// <summary>Square root of each element.</summary>
    static abstract T Sqrt(T value);

    /// <summary>The larger of each pair of elements.</summary>
    static abstract T Max(T left, T right);

    /// <summary>The smaller of each pair of elements (with <see cref="Max"/>: clamping, Rprop's step-size bounds).</summary>
    static abstract T Min(T left, T right);

    /// <summary>
    /// Per lane, <paramref name="whenPositive"/> where <paramref name="condition"/> &gt; 0 and <paramref name="otherwise"/>
    /// elsewhere (zero and NaN included): a branch without branching, for rules that act on a sign (Rprop).
    /// Negate the condition for "&lt; 0"; nest two for three cases.
    /// </summary>
    static abstract T WherePositive(T condition, T whenPositive, T otherwise);

    /// <summary>Absolute value of each element.</summary>
    static abstract T Abs(T value);

    /// <summary>-1, 0 or +1 per lane.</summary>
    static abstract T Sign(T value);

    /// <summary>The sum of every element, in double: how a reduction pass totals a lane.</summary>
    static abstract double Total(T value);
}

/// <summary>A lane type that loads from and stores to <c>float</c> memory: what the fused kernel runs on.</summary>
public interface IFloatLane<T> : ILane<T> where T : struct, IFloatLane<T>
{
    /// <summary>How many floats one value holds.</summary>
    static abstract int Count { get; }

    /// <summary>The lane of floats at <paramref name="offset"/> elements from <paramref name="source"/>.</summary>
    static abstract T Load(ref float source, nuint offset);

    /// <summary>Writes <paramref name="value"/> at <paramref name="offset"/> elements from <paramref name="destination"/>.</summary>
    static abstract void Store(T value, ref float destination, nuint offset);
}

namespace AdaptiveLR.Pure.Numerics;

/// <summary>
/// A float lane that can also work on the 32-bit patterns of its elements and load and store them as bytes
/// and 16-bit halves: what <see cref="StateCodec"/>'s formats are written on, once for every lane width, so
/// that the fused kernel decodes and encodes compressed state in its registers with the same code the bulk
/// codec runs. The <c>…Bits</c> operations treat each element as a signed 32-bit integer.
/// </summary>
public interface ICodecLane<T> : IFloatLane<T> where T : struct, ICodecLane<T>
{
    /// <summary>Every element's bit pattern is <paramref name="value"/>.</summary>
    static abstract T Bits(int value);

    /// <summary>Integer sum of the bit patterns.</summary>
    static abstract T AddBits(T left, T right);

    /// <summary>Integer difference of the bit patterns.</summary>
    static abstract T SubtractBits(T left, T right);

    /// <summary>Bitwise and.</summary>
    static abstract T And(T left, T right);

    /// <summary>Bitwise or.</summary>
    static abstract T Or(T left, T right);

    /// <summary>
    /// <see cref="RoundingSeed.Mix"/> of each <paramref name="value"/>'s pattern plus its <paramref name="position"/> times the golden ratio
    /// (2³²/φ), exclusive-or <paramref name="key"/>: the hash that stochastic rounding draws from. A primitive, so that the fused loop
    /// inlines one operation rather than a dozen (the JIT's inlining budget is per loop, and AMSGrad codes two such slots in it).
    /// </summary>
    static abstract T Mix(T value, T position, T key);

    /// <summary>The consecutive integers <paramref name="first"/>, <paramref name="first"/> + 1, … as the elements' patterns.</summary>
    static abstract T Positions(int first);

    /// <summary><paramref name="value"/> with the bits of <paramref name="mask"/> cleared.</summary>
    static abstract T AndNot(T value, T mask);

    /// <summary>Each pattern shifted left by <paramref name="count"/> bits.</summary>
    static abstract T ShiftLeft(T value, int count);

    /// <summary>Each pattern shifted right by <paramref name="count"/> bits, filling with zeros.</summary>
    static abstract T ShiftRight(T value, int count);

    /// <summary>The larger pattern of each pair, as signed integers.</summary>
    static abstract T MaxBits(T left, T right);

    /// <summary>The smaller pattern of each pair, as signed integers.</summary>
    static abstract T MinBits(T left, T right);

    /// <summary>All ones where the pattern is zero, zero elsewhere.</summary>
    static abstract T IsZero(T value);

    /// <summary>All ones where <paramref name="left"/> &gt; <paramref name="right"/> as signed integers, zero elsewhere.</summary>
    static abstract T IsGreater(T left, T right);

    /// <summary>The largest pattern of all elements, as a signed integer.</summary>
    static abstract int LargestBits(T value);

    /// <summary><see cref="IFloatLane{T}.Count"/> bytes from <paramref name="offset"/>, each zero-extended into an element's pattern.</summary>
    static abstract T LoadBytes(ref byte source, nuint offset);

    /// <summary>The lowest byte of each element's pattern, stored at <paramref name="offset"/>.</summary>
    static abstract void StoreBytes(T value, ref byte destination, nuint offset);

    /// <summary><see cref="IFloatLane{T}.Count"/> 16-bit values from <paramref name="offset"/>, each zero-extended into an element's pattern.</summary>
    static abstract T LoadHalves(ref ushort source, nuint offset);

    /// <summary>The lower 16 bits of each element's pattern, stored at <paramref name="offset"/>.</summary>
    static abstract void StoreHalves(T value, ref ushort destination, nuint offset);
}

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

    /// <summary>Bitwise and.</summary>
    static abstract T And(T left, T right);

    /// <summary>
    /// The positions <paramref name="first"/>, <paramref name="first"/> + 1, … times the golden ratio (2³²/φ, wrapping), plus <paramref name="key"/>,
    /// as the elements' patterns: the positions' and the step's part of a stochastic rounding's draw (<see cref="StateCodec.Draw"/>), a Weyl
    /// sequence. The next lane's is this plus <see cref="StateCodec.SpreadStride{T}"/>, one addition instead of a multiplication per lane.
    /// </summary>
    static abstract T Spread(int first, int key);

    /// <summary>Each element of <paramref name="whenSet"/> where <paramref name="mask"/>'s is all ones, of <paramref name="otherwise"/> where it is zero.</summary>
    static abstract T Select(T mask, T whenSet, T otherwise);

    /// <summary>Each pattern shifted left by <paramref name="count"/> bits.</summary>
    static abstract T ShiftLeft(T value, int count);

    /// <summary>Each pattern shifted right by <paramref name="count"/> bits, filling with zeros.</summary>
    static abstract T ShiftRight(T value, int count);

    /// <summary>Each pattern shifted right by <paramref name="count"/> bits, filling with its sign bit.</summary>
    static abstract T ShiftRightArithmetic(T value, int count);

    /// <summary>The larger pattern of each pair, as signed integers.</summary>
    static abstract T MaxBits(T left, T right);

    /// <summary>The smaller pattern of each pair, as signed integers.</summary>
    static abstract T MinBits(T left, T right);

    /// <summary>
    /// Integer sum of the bit patterns of <paramref name="value"/> and <paramref name="addend"/> where <paramref name="condition"/>'s pattern is
    /// not zero, <paramref name="value"/>'s where it is: a test and one masked addition on AVX-512 (what decodes 8-bit codes on a power-of-two
    /// scale without a multiplication, <see cref="StateCodec"/>).
    /// </summary>
    static abstract T AddBitsWhere(T condition, T value, T addend);

    /// <summary>
    /// Each NaN of <paramref name="value"/> made quiet (its top fraction bit set), and <paramref name="otherwise"/>'s element where it is not a NaN.
    /// One primitive, so that the JIT keeps the NaN test as an AVX-512 mask and sets the bit under it (a masked or).
    /// </summary>
    static abstract T QuietNaNsOr(T value, T otherwise);

    /// <summary>The largest pattern of all elements, as a signed integer.</summary>
    static abstract int LargestBits(T value);

    /// <summary><see cref="IFloatLane{T}.Count"/> bytes from <paramref name="offset"/>, each zero-extended into an element's pattern.</summary>
    static abstract T LoadBytes(ref byte source, nuint offset);

    /// <summary><see cref="IFloatLane{T}.Count"/> bytes from <paramref name="offset"/>, each sign-extended (bit 7 copied up) into an element's pattern.</summary>
    static abstract T LoadSignedBytes(ref byte source, nuint offset);

    /// <summary>The lowest byte of each element's pattern, stored at <paramref name="offset"/>.</summary>
    static abstract void StoreBytes(T value, ref byte destination, nuint offset);

    /// <summary>Each element's non-negative pattern as a byte, 255 where it is larger, stored at <paramref name="offset"/>.</summary>
    static abstract void StoreBytesSaturated(T value, ref byte destination, nuint offset);

    /// <summary><see cref="IFloatLane{T}.Count"/> 16-bit values from <paramref name="offset"/>, each zero-extended into an element's pattern.</summary>
    static abstract T LoadHalves(ref ushort source, nuint offset);

    /// <summary>The lower 16 bits of each element's pattern, stored at <paramref name="offset"/>.</summary>
    static abstract void StoreHalves(T value, ref ushort destination, nuint offset);
}

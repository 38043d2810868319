using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>
/// Compressed optimizer state: bfloat16, and 8-bit block-wise quantisation after Dettmers et al. 2022
/// ("8-bit Optimizers via Block-wise Quantization"): each block of <see cref="BlockSize"/> values is
/// divided by its largest magnitude (its scale, kept as a float) and each quotient stored as the nearest
/// code of a dynamic map — an exponent and a 3-bit linear fraction, so that small values keep their
/// relative precision instead of a linear map's fixed step.
/// </summary>
/// <remarks>
/// The map's exponents are powers of two rather than the paper's powers of ten, so that the nearest code
/// is the float's own bits rounded (no table search) and a block encodes and decodes in SIMD registers.
/// Signed slots (momenta) use a sign bit, 4 exponent bits and 3 fraction bits: quotients down to 2⁻¹⁵.
/// Non-negative slots (second moments, sums of squares) need no sign and use 5 exponent bits: down to 2⁻³¹,
/// so that √v of a small coordinate is not flushed to zero while its momentum is not.
/// Error bound of one value x in a block of scale s: |x̂ − x| ≤ max(2⁻⁴·|x|, 2⁻¹⁴·s) signed,
/// max(2⁻⁴·|x|, 2⁻³⁰·s) non-negative; bfloat16 rounds to nearest even: |x̂ − x| ≤ 2⁻⁸·|x|.
/// </remarks>
public static class StateCodec
{
    /// <summary>Values per quantisation block (each has its own float scale: 4/256 bytes per value).</summary>
    public const int BlockSize = 256;

    // The code of a positive quotient is its float bits from the exponent down to 3 fraction bits, less the
    // exponent offset that maps the smallest kept exponent to code 1 (code 0 is zero).
    private const int SignedOffset = (127 - 15) << 3, UnsignedOffset = (127 - 31) << 3;
    private const int RoundFraction = 1 << 19, FractionShift = 20;

    /// <summary>How many scales a slot of <paramref name="length"/> values needs.</summary>
    public static int Blocks(int length) => (length + BlockSize - 1) / BlockSize;

    /// <summary>Quantises <paramref name="values"/> (at most one block) into <paramref name="codes"/>; returns the block's scale.</summary>
    public static float EncodeBlock(ReadOnlySpan<float> values, Span<byte> codes, bool nonNegative)
    {
        float scale = AbsMax(values);
        float inverse = scale > 0 ? 1 / scale : 0;
        int offset = nonNegative ? UnsignedOffset : SignedOffset, largest = nonNegative ? 255 : 127;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var inv = Vector512.Create(inverse);
            for (; i + 64 <= values.Length; i += 64)
            {
                var c0 = EncodeVector(Vector512.LoadUnsafe(ref Unsafe.AsRef(in values[i])) * inv, offset, largest, nonNegative);
                var c1 = EncodeVector(Vector512.LoadUnsafe(ref Unsafe.AsRef(in values[i + 16])) * inv, offset, largest, nonNegative);
                var c2 = EncodeVector(Vector512.LoadUnsafe(ref Unsafe.AsRef(in values[i + 32])) * inv, offset, largest, nonNegative);
                var c3 = EncodeVector(Vector512.LoadUnsafe(ref Unsafe.AsRef(in values[i + 48])) * inv, offset, largest, nonNegative);
                var bytes = Vector512.Narrow(Vector512.Narrow(c0, c1), Vector512.Narrow(c2, c3));
                bytes.AsByte().StoreUnsafe(ref codes[i]);
            }
        }
        for (; i < values.Length; i++) codes[i] = EncodeOne(values[i] * inverse, offset, largest, nonNegative);
        return scale;
    }

    /// <summary>The values of one block from its codes and scale.</summary>
    public static void DecodeBlock(ReadOnlySpan<byte> codes, float scale, Span<float> values, bool nonNegative)
    {
        int offset = nonNegative ? UnsignedOffset : SignedOffset, magnitude = nonNegative ? 255 : 127;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            for (; i + 64 <= codes.Length; i += 64)
            {
                var bytes = Vector512.LoadUnsafe(ref Unsafe.AsRef(in codes[i]));
                var (low, high) = Vector512.Widen(bytes);
                var (w0, w1) = Vector512.Widen(low);
                var (w2, w3) = Vector512.Widen(high);
                (DecodeVector(w0.AsInt32(), offset, magnitude, nonNegative) * s).StoreUnsafe(ref values[i]);
                (DecodeVector(w1.AsInt32(), offset, magnitude, nonNegative) * s).StoreUnsafe(ref values[i + 16]);
                (DecodeVector(w2.AsInt32(), offset, magnitude, nonNegative) * s).StoreUnsafe(ref values[i + 32]);
                (DecodeVector(w3.AsInt32(), offset, magnitude, nonNegative) * s).StoreUnsafe(ref values[i + 48]);
            }
        }
        for (; i < codes.Length; i++) values[i] = DecodeOne(codes[i], offset, magnitude, nonNegative) * scale;
    }

    /// <summary>Rounds <paramref name="values"/> to bfloat16 (nearest, ties to even; NaN stays NaN).</summary>
    public static void EncodeBFloat16(ReadOnlySpan<float> values, Span<ushort> codes)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 32 <= values.Length; i += 32)
            {
                var a = BFloat16Bits(Vector512.LoadUnsafe(ref Unsafe.AsRef(in values[i])).AsUInt32());
                var b = BFloat16Bits(Vector512.LoadUnsafe(ref Unsafe.AsRef(in values[i + 16])).AsUInt32());
                Vector512.Narrow(a, b).StoreUnsafe(ref codes[i]);
            }
        }
        for (; i < values.Length; i++) codes[i] = BFloat16One(values[i]);
    }

    /// <summary>The floats of bfloat16 <paramref name="codes"/>.</summary>
    public static void DecodeBFloat16(ReadOnlySpan<ushort> codes, Span<float> values)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 32 <= codes.Length; i += 32)
            {
                var (low, high) = Vector512.Widen(Vector512.LoadUnsafe(ref Unsafe.AsRef(in codes[i])));
                Vector512.ShiftLeft(low, 16).AsSingle().StoreUnsafe(ref values[i]);
                Vector512.ShiftLeft(high, 16).AsSingle().StoreUnsafe(ref values[i + 16]);
            }
        }
        for (; i < codes.Length; i++) values[i] = BitConverter.Int32BitsToSingle(codes[i] << 16);
    }

    /// <summary>The largest magnitude of <paramref name="values"/> (NaN if any is NaN).</summary>
    private static float AbsMax(ReadOnlySpan<float> values)
    {
        float max = 0;
        bool nan = false;
        foreach (float v in values)
        {
            float a = Math.Abs(v);
            nan |= float.IsNaN(v);
            if (a > max) max = a;
        }
        return nan ? float.NaN : max;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> EncodeVector(Vector512<float> quotient, int offset, int largest, bool nonNegative)
    {
        var bits = Vector512.Abs(quotient).AsInt32();
        var code = Vector512.ShiftRightLogical(bits + Vector512.Create(RoundFraction), FractionShift) - Vector512.Create(offset);
        code = Vector512.Min(Vector512.Max(code, Vector512<int>.Zero), Vector512.Create(largest));
        if (nonNegative) return code;
        var sign = Vector512.ShiftRightLogical(quotient.AsInt32(), 31) << 7;
        return code | (sign & ~Vector512.Equals(code, Vector512<int>.Zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> DecodeVector(Vector512<int> code, int offset, int magnitudeMask, bool nonNegative)
    {
        var magnitude = code & Vector512.Create(magnitudeMask);
        var bits = (magnitude + Vector512.Create(offset)) << FractionShift;
        bits &= ~Vector512.Equals(magnitude, Vector512<int>.Zero);
        if (!nonNegative) bits |= (code & Vector512.Create(0x80)) << 24;
        return bits.AsSingle();
    }

    private static byte EncodeOne(float quotient, int offset, int largest, bool nonNegative)
    {
        int bits = BitConverter.SingleToInt32Bits(Math.Abs(quotient));
        int code = Math.Clamp(((bits + RoundFraction) >>> FractionShift) - offset, 0, largest);
        if (!nonNegative && code != 0 && quotient < 0) code |= 0x80;
        return (byte)code;
    }

    private static float DecodeOne(byte code, int offset, int magnitudeMask, bool nonNegative)
    {
        int magnitude = code & magnitudeMask;
        if (magnitude == 0) return 0;
        float value = BitConverter.Int32BitsToSingle((magnitude + offset) << FractionShift);
        return !nonNegative && (code & 0x80) != 0 ? -value : value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> BFloat16Bits(Vector512<uint> bits)
    {
        var rounded = bits + Vector512.Create(0x7FFFu) + (Vector512.ShiftRightLogical(bits, 16) & Vector512<uint>.One);
        var nan = Vector512.GreaterThan(bits & Vector512.Create(0x7FFFFFFFu), Vector512.Create(0x7F800000u));
        return Vector512.ShiftRightLogical(Vector512.ConditionalSelect(nan, bits | Vector512.Create(0x400000u), rounded), 16);
    }

    private static ushort BFloat16One(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits | 0x400000) >> 16);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }
}

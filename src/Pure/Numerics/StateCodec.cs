using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

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
        int width = Vector<int>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var inv = new Vector<float>(inverse);
            ref float source = ref MemoryMarshal.GetReference(values);
            ref byte destination = ref MemoryMarshal.GetReference(codes);
            for (; i + 4 * width <= values.Length; i += 4 * width)
            {
                var c0 = EncodeVector(Vector.LoadUnsafe(ref source, (nuint)i) * inv, offset, largest, nonNegative);
                var c1 = EncodeVector(Vector.LoadUnsafe(ref source, (nuint)(i + width)) * inv, offset, largest, nonNegative);
                var c2 = EncodeVector(Vector.LoadUnsafe(ref source, (nuint)(i + 2 * width)) * inv, offset, largest, nonNegative);
                var c3 = EncodeVector(Vector.LoadUnsafe(ref source, (nuint)(i + 3 * width)) * inv, offset, largest, nonNegative);
                var bytes = Vector.Narrow(Vector.Narrow(c0, c1), Vector.Narrow(c2, c3));
                Vector.AsVectorByte(bytes).StoreUnsafe(ref destination, (nuint)i);
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
        int width = Vector<int>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<float>(scale);
            ref byte source = ref MemoryMarshal.GetReference(codes);
            ref float destination = ref MemoryMarshal.GetReference(values);
            for (; i + 4 * width <= codes.Length; i += 4 * width)
            {
                Vector.Widen(Vector.LoadUnsafe(ref source, (nuint)i), out var low, out var high);
                Vector.Widen(low, out var w0, out var w1);
                Vector.Widen(high, out var w2, out var w3);
                (DecodeVector(Vector.AsVectorInt32(w0), offset, magnitude, nonNegative) * s).StoreUnsafe(ref destination, (nuint)i);
                (DecodeVector(Vector.AsVectorInt32(w1), offset, magnitude, nonNegative) * s).StoreUnsafe(ref destination, (nuint)(i + width));
                (DecodeVector(Vector.AsVectorInt32(w2), offset, magnitude, nonNegative) * s).StoreUnsafe(ref destination, (nuint)(i + 2 * width));
                (DecodeVector(Vector.AsVectorInt32(w3), offset, magnitude, nonNegative) * s).StoreUnsafe(ref destination, (nuint)(i + 3 * width));
            }
        }
        for (; i < codes.Length; i++) values[i] = DecodeOne(codes[i], offset, magnitude, nonNegative) * scale;
    }

    /// <summary>Rounds <paramref name="values"/> to bfloat16 (nearest, ties to even; NaN stays NaN).</summary>
    public static void EncodeBFloat16(ReadOnlySpan<float> values, Span<ushort> codes)
    {
        int i = 0;
        int width = Vector<uint>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            ref float source = ref MemoryMarshal.GetReference(values);
            ref ushort destination = ref MemoryMarshal.GetReference(codes);
            for (; i + 2 * width <= values.Length; i += 2 * width)
            {
                var a = BFloat16Bits(Vector.AsVectorUInt32(Vector.LoadUnsafe(ref source, (nuint)i)));
                var b = BFloat16Bits(Vector.AsVectorUInt32(Vector.LoadUnsafe(ref source, (nuint)(i + width))));
                Vector.Narrow(a, b).StoreUnsafe(ref destination, (nuint)i);
            }
        }
        for (; i < values.Length; i++) codes[i] = BFloat16One(values[i]);
    }

    /// <summary>The floats of bfloat16 <paramref name="codes"/>.</summary>
    public static void DecodeBFloat16(ReadOnlySpan<ushort> codes, Span<float> values)
    {
        int i = 0;
        int width = Vector<uint>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            ref ushort source = ref MemoryMarshal.GetReference(codes);
            ref float destination = ref MemoryMarshal.GetReference(values);
            for (; i + 2 * width <= codes.Length; i += 2 * width)
            {
                Vector.Widen(Vector.LoadUnsafe(ref source, (nuint)i), out var low, out var high);
                Vector.AsVectorSingle(Vector.ShiftLeft(low, 16)).StoreUnsafe(ref destination, (nuint)i);
                Vector.AsVectorSingle(Vector.ShiftLeft(high, 16)).StoreUnsafe(ref destination, (nuint)(i + width));
            }
        }
        for (; i < codes.Length; i++) values[i] = BitConverter.Int32BitsToSingle(codes[i] << 16);
    }

    /// <summary>The largest magnitude of <paramref name="values"/> (NaN if any is NaN).</summary>
    private static float AbsMax(ReadOnlySpan<float> values)
    {
        int i = 0;
        float max = 0;
        bool nan = false;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var largest = Vector<float>.Zero;
            var notANumber = Vector<int>.Zero;
            ref float source = ref MemoryMarshal.GetReference(values);
            for (; i + Vector<float>.Count <= values.Length; i += Vector<float>.Count)
            {
                var v = Vector.LoadUnsafe(ref source, (nuint)i);
                largest = Vector.Max(largest, Vector.Abs(v));
                notANumber |= ~Vector.Equals(v, v);
            }
            nan = notANumber != Vector<int>.Zero;
            for (int k = 0; k < Vector<float>.Count; k++) max = Math.Max(max, largest[k]);
        }
        for (; i < values.Length; i++)
        {
            nan |= float.IsNaN(values[i]);
            max = Math.Max(max, Math.Abs(values[i]));
        }
        return nan ? float.NaN : max;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> EncodeVector(Vector<float> quotient, int offset, int largest, bool nonNegative)
    {
        var bits = Vector.AsVectorInt32(Vector.Abs(quotient));
        var code = Vector.ShiftRightLogical(bits + new Vector<int>(RoundFraction), FractionShift) - new Vector<int>(offset);
        code = Vector.Min(Vector.Max(code, Vector<int>.Zero), new Vector<int>(largest));
        if (nonNegative) return code;
        var sign = Vector.ShiftLeft(Vector.ShiftRightLogical(Vector.AsVectorInt32(quotient), 31), 7);
        return code | (sign & ~Vector.Equals(code, Vector<int>.Zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> DecodeVector(Vector<int> code, int offset, int magnitudeMask, bool nonNegative)
    {
        var magnitude = code & new Vector<int>(magnitudeMask);
        var bits = Vector.ShiftLeft(magnitude + new Vector<int>(offset), FractionShift);
        bits &= ~Vector.Equals(magnitude, Vector<int>.Zero);
        if (!nonNegative) bits |= Vector.ShiftLeft(code & new Vector<int>(0x80), 24);
        return Vector.AsVectorSingle(bits);
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
    private static Vector<uint> BFloat16Bits(Vector<uint> bits)
    {
        var rounded = bits + new Vector<uint>(0x7FFFu) + (Vector.ShiftRightLogical(bits, 16) & Vector<uint>.One);
        var nan = Vector.GreaterThan(bits & new Vector<uint>(0x7FFFFFFFu), new Vector<uint>(0x7F800000u));
        return Vector.ShiftRightLogical(Vector.ConditionalSelect(nan, bits | new Vector<uint>(0x400000u), rounded), 16);
    }

    private static ushort BFloat16One(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits | 0x400000) >> 16);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }
}

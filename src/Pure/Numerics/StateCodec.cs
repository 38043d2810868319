using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>
/// Compressed optimizer state: bfloat16, and 8-bit block-wise quantisation after Dettmers et al. 2022
/// ("8-bit Optimizers via Block-wise Quantization"): each block of <see cref="BlockSize"/> values is
/// divided by its largest magnitude (its scale, kept as a float) and each quotient stored as the nearest
/// code of a dynamic map — an exponent and a 3-bit linear fraction, so that small values keep their
/// relative precision instead of a linear map's fixed step.
/// Non-negative slots (second moments, sums of squares) are rounded stochastically, signed slots to nearest.
/// </summary>
/// <remarks>
/// The map's exponents are powers of two rather than the paper's powers of ten, so that the nearest code
/// is the float's own bits rounded (no table search) and a block encodes and decodes in SIMD registers.
/// Signed slots (momenta) use a sign bit, 4 exponent bits and 3 fraction bits: quotients down to 2⁻¹⁵.
/// Non-negative slots (second moments, sums of squares) need no sign and use 5 exponent bits: down to 2⁻³¹,
/// so that √v of a small coordinate is not flushed to zero while its momentum is not.
/// Rounding to nearest is biased where it matters most: a non-negative slot is a sum or a slow average, and an
/// increment or decay below half a code step is lost every time (Adagrad's sum stops growing, an EMA with β₂ = 0.999
/// stops decaying), so denominators drift. Non-negative values are therefore rounded stochastically: up to the next
/// code with probability equal to the fraction of the step they lie above the lower one, so that the decoded value's
/// expectation is the value (down to the smallest code, 2⁻³¹·9/8 of the scale). The draw is the value's bits and its
/// index in the tensor under a hash of the step (<see cref="Draw"/>, <see cref="RoundingSeed"/>): deterministic, and the same on
/// every lane width and thread split. Signed slots (momenta) keep rounding to nearest even: their errors change sign with the
/// gradient instead of accruing one way, and stochastic rounding would double the largest error of every value.
/// A running maximum (AMSGrad's v_max) is rounded down instead, on power-of-two block scales (<see cref="StateRounding.Down"/>):
/// it changes only when it grows, yet every rescale of its block codes it again, and max(v̂, v) keeps whatever lands high
/// (stochastic draws above the value; to nearest on an absmax scale, a code kept while the scale grows). A power-of-two
/// scale makes a rescale exact, and rounding down keeps the coded maximum at or below the values it was computed from.
/// Error bound of one value x in a block of scale s: |x̂ − x| ≤ max(2⁻⁴·|x|, 2⁻¹⁴·s) signed (nearest),
/// &lt; max(2⁻³·|x|, 2⁻³⁰·s) non-negative (one code step; rounded down: one step, and never above x); bfloat16: ≤ 2⁻⁸·|x| to nearest even, &lt; 2⁻⁷·|x| stochastic.
/// The formats are written once, on <see cref="ICodecLane{T}"/>: the bulk methods here run them on the widest
/// lane and single floats, and the fused kernel (<c>Core.CompressedLoop</c>) runs the same code in its registers.
/// </remarks>
public static class StateCodec
{
    /// <summary>Values per quantisation block (each has its own float scale: 4/256 bytes per value).</summary>
    public const int BlockSize = 256;

    // The code of a positive quotient is its float bits from the exponent down to 3 fraction bits, less the
    // exponent offset that maps the smallest kept exponent to code 1 (code 0 is zero).
    private const int SignedOffset = (127 - 15) << 3, UnsignedOffset = (127 - 31) << 3;
    internal const int RoundFraction = 1 << 19, FractionShift = 20;

    // 2³²/φ: what spreads a value's position over its draw (ICodecLane.Spread).
    internal const int GoldenRatio = unchecked((int)0x9E3779B9);

    /// <summary>What advances <see cref="ICodecLane{T}.Spread"/> by one lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T SpreadStride<T>() where T : struct, ICodecLane<T> => T.Bits(unchecked(T.Count * GoldenRatio));

    /// <summary>How many scales a slot of <paramref name="length"/> values needs.</summary>
    public static int Blocks(int length) => (length + BlockSize - 1) / BlockSize;

    /// <summary>
    /// Quantises <paramref name="values"/> (at most one block) into <paramref name="codes"/>; returns the block's scale.
    /// Non-negative values are rounded stochastically, drawn from <paramref name="seed"/>; signed ones to nearest.
    /// </summary>
    public static float EncodeBlock(ReadOnlySpan<float> values, Span<byte> codes, bool nonNegative, RoundingSeed seed) =>
        EncodeBlock(values, codes, nonNegative, RoundingOf(nonNegative), seed);

    /// <summary>
    /// Quantises <paramref name="values"/> (at most one block) into <paramref name="codes"/> with <paramref name="rounding"/>; returns the
    /// block's scale (its largest magnitude, or for <see cref="StateRounding.Down"/> the power of two at or above it).
    /// </summary>
    public static float EncodeBlock(ReadOnlySpan<float> values, Span<byte> codes, bool nonNegative, StateRounding rounding, RoundingSeed seed)
    {
        if (codes.Length < values.Length) throw new ArgumentException("fewer codes than values", nameof(codes));
        ref float source = ref MemoryMarshal.GetReference(values);
        ref byte destination = ref MemoryMarshal.GetReference(codes);
        nuint length = (nuint)values.Length;
        if (Vector512.IsHardwareAccelerated) return EncodeBlock<Float512Lane>(ref source, ref destination, length, nonNegative, rounding, seed);
        if (Vector256.IsHardwareAccelerated) return EncodeBlock<Float256Lane>(ref source, ref destination, length, nonNegative, rounding, seed);
        if (Vector128.IsHardwareAccelerated) return EncodeBlock<Float128Lane>(ref source, ref destination, length, nonNegative, rounding, seed);
        return EncodeBlock<FloatLane>(ref source, ref destination, length, nonNegative, rounding, seed);
    }

    /// <summary>The values of one block from its codes and scale.</summary>
    public static void DecodeBlock(ReadOnlySpan<byte> codes, float scale, Span<float> values, bool nonNegative)
    {
        if (values.Length < codes.Length) throw new ArgumentException("fewer values than codes", nameof(values));
        ref byte source = ref MemoryMarshal.GetReference(codes);
        ref float destination = ref MemoryMarshal.GetReference(values);
        nuint length = (nuint)codes.Length;
        if (Vector512.IsHardwareAccelerated) DecodeBlock<Float512Lane>(ref source, ref destination, length, scale, nonNegative);
        else if (Vector256.IsHardwareAccelerated) DecodeBlock<Float256Lane>(ref source, ref destination, length, scale, nonNegative);
        else if (Vector128.IsHardwareAccelerated) DecodeBlock<Float128Lane>(ref source, ref destination, length, scale, nonNegative);
        else DecodeBlock<FloatLane>(ref source, ref destination, length, scale, nonNegative);
    }

    /// <summary>
    /// Rounds <paramref name="values"/> to bfloat16 (NaN stays NaN): a non-negative slot's stochastically, drawn from
    /// <paramref name="seed"/>, a signed slot's to nearest, ties to even.
    /// </summary>
    public static void EncodeBFloat16(ReadOnlySpan<float> values, Span<ushort> codes, bool nonNegative, RoundingSeed seed) =>
        EncodeBFloat16(values, codes, RoundingOf(nonNegative), seed);

    /// <summary>Rounds <paramref name="values"/> to bfloat16 with <paramref name="rounding"/> (NaN stays NaN).</summary>
    public static void EncodeBFloat16(ReadOnlySpan<float> values, Span<ushort> codes, StateRounding rounding, RoundingSeed seed)
    {
        if (codes.Length < values.Length) throw new ArgumentException("fewer codes than values", nameof(codes));
        ref float source = ref MemoryMarshal.GetReference(values);
        ref ushort destination = ref MemoryMarshal.GetReference(codes);
        nuint length = (nuint)values.Length;
        if (Vector512.IsHardwareAccelerated) EncodeBFloat16<Float512Lane>(ref source, ref destination, length, rounding, seed);
        else if (Vector256.IsHardwareAccelerated) EncodeBFloat16<Float256Lane>(ref source, ref destination, length, rounding, seed);
        else if (Vector128.IsHardwareAccelerated) EncodeBFloat16<Float128Lane>(ref source, ref destination, length, rounding, seed);
        else EncodeBFloat16<FloatLane>(ref source, ref destination, length, rounding, seed);
    }

    /// <summary>A slot's rounding unless it says otherwise: <see cref="StateRounding.Stochastic"/> if non-negative, else <see cref="StateRounding.Nearest"/>.</summary>
    public static StateRounding RoundingOf(bool nonNegative) => nonNegative ? StateRounding.Stochastic : StateRounding.Nearest;

    /// <summary>The floats of bfloat16 <paramref name="codes"/>.</summary>
    public static void DecodeBFloat16(ReadOnlySpan<ushort> codes, Span<float> values)
    {
        if (values.Length < codes.Length) throw new ArgumentException("fewer values than codes", nameof(values));
        ref ushort source = ref MemoryMarshal.GetReference(codes);
        ref float destination = ref MemoryMarshal.GetReference(values);
        nuint length = (nuint)codes.Length;
        if (Vector512.IsHardwareAccelerated) DecodeBFloat16<Float512Lane>(ref source, ref destination, length);
        else if (Vector256.IsHardwareAccelerated) DecodeBFloat16<Float256Lane>(ref source, ref destination, length);
        else if (Vector128.IsHardwareAccelerated) DecodeBFloat16<Float128Lane>(ref source, ref destination, length);
        else DecodeBFloat16<FloatLane>(ref source, ref destination, length);
    }

    internal static float EncodeBlock<T>(ref float values, ref byte codes, nuint length, bool nonNegative, StateRounding rounding, RoundingSeed seed) where T : struct, ICodecLane<T> =>
        rounding switch
        {
            StateRounding.Stochastic => EncodeBlock<T, Stochastically>(ref values, ref codes, length, nonNegative, seed),
            StateRounding.Down => EncodeBlock<T, Downward>(ref values, ref codes, length, nonNegative, seed),
            _ => EncodeBlock<T, ToNearest>(ref values, ref codes, length, nonNegative, seed),
        };

    private static float EncodeBlock<T, TRounding>(ref float values, ref byte codes, nuint length, bool nonNegative, RoundingSeed seed)
        where T : struct, ICodecLane<T> where TRounding : struct, IRoundingMode
    {
        T largest = default;
        nuint i = 0;
        for (; i + (nuint)T.Count <= length; i += (nuint)T.Count) largest = Magnitudes(largest, T.Load(ref values, i));
        int bits = T.LargestBits(largest);
        for (; i < length; i++) bits = FloatLane.LargestBits(Magnitudes(FloatLane.Bits(bits), FloatLane.Load(ref values, i)));
        float scale = Scale(TRounding.ScaleBits(bits));
        Encode<T, TRounding>(ref values, ref codes, length, scale, nonNegative, seed);
        return scale;
    }

    internal static void DecodeBlock<T>(ref byte codes, ref float values, nuint length, float scale, bool nonNegative) where T : struct, ICodecLane<T>
    {
        nuint i = 0;
        for (; i + (nuint)T.Count <= length; i += (nuint)T.Count) T.Store(Decode(T.LoadBytes(ref codes, i), T.Broadcast(scale), nonNegative), ref values, i);
        for (; i < length; i++) FloatLane.Store(Decode(FloatLane.LoadBytes(ref codes, i), new FloatLane(scale), nonNegative), ref values, i);
    }

    internal static void EncodeBFloat16<T>(ref float values, ref ushort codes, nuint length, StateRounding rounding, RoundingSeed seed) where T : struct, ICodecLane<T>
    {
        switch (rounding)
        {
            case StateRounding.Stochastic: EncodeBFloat16<T, Stochastically>(ref values, ref codes, length, seed); break;
            case StateRounding.Down: EncodeBFloat16<T, Downward>(ref values, ref codes, length, seed); break;
            default: EncodeBFloat16<T, ToNearest>(ref values, ref codes, length, seed); break;
        }
    }

    private static void EncodeBFloat16<T, TRounding>(ref float values, ref ushort codes, nuint length, RoundingSeed seed)
        where T : struct, ICodecLane<T> where TRounding : struct, IRoundingMode
    {
        int key = seed.Key;
        T spread = T.Spread(seed.First), stride = SpreadStride<T>();
        nuint i = 0;
        for (; i + (nuint)T.Count <= length; i += (nuint)T.Count, spread = T.AddBits(spread, stride))
        {
            var value = T.Load(ref values, i);
            T.StoreHalves(ToBFloat16(value, TRounding.BFloat16Increment(value, spread, T.Bits(key))), ref codes, i);
        }
        for (; i < length; i++)
        {
            var value = FloatLane.Load(ref values, i);
            FloatLane.StoreHalves(ToBFloat16(value, TRounding.BFloat16Increment(value, FloatLane.Spread(seed.First + (int)i), FloatLane.Bits(key))), ref codes, i);
        }
    }

    internal static void DecodeBFloat16<T>(ref ushort codes, ref float values, nuint length) where T : struct, ICodecLane<T>
    {
        nuint i = 0;
        for (; i + (nuint)T.Count <= length; i += (nuint)T.Count) T.Store(FromBFloat16(T.LoadHalves(ref codes, i)), ref values, i);
        for (; i < length; i++) FloatLane.Store(FromBFloat16(FloatLane.LoadHalves(ref codes, i)), ref values, i);
    }

    /// <summary>
    /// Folds the magnitudes of <paramref name="values"/> into <paramref name="largest"/>, element by element, as the bit
    /// patterns of non-negative floats: their integer order is the floats' order, and any NaN's pattern exceeds infinity's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Magnitudes<T>(T largest, T values) where T : struct, ICodecLane<T> =>
        T.MaxBits(largest, T.Abs(values));

    /// <summary>
    /// A block's scale from the pattern of its largest magnitude (<see cref="Magnitudes"/>), or of the power of two above it
    /// (<see cref="IRoundingMode.ScaleBits"/>): NaN if any value was NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Scale(int largestBits)
    {
        float scale = BitConverter.Int32BitsToSingle(largestBits);
        return float.IsNaN(scale) ? float.NaN : scale;
    }

    /// <summary>Codes <paramref name="length"/> values of one block whose scale is <paramref name="scale"/>.</summary>
    private static void Encode<T, TRounding>(ref float values, ref byte codes, nuint length, float scale, bool nonNegative, RoundingSeed seed)
        where T : struct, ICodecLane<T> where TRounding : struct, IRoundingMode
    {
        float inverse = scale > 0 ? 1 / scale : 0;
        T factor = T.Broadcast(inverse);
        int key = seed.Key;
        T spread = T.Spread(seed.First), stride = SpreadStride<T>();
        nuint i = 0;
        for (; i + (nuint)T.Count <= length; i += (nuint)T.Count, spread = T.AddBits(spread, stride))
        {
            var value = T.Load(ref values, i);
            StoreCodes(Codes(value * factor, TRounding.CodeIncrement(value, spread, T.Bits(key)), nonNegative), ref codes, i, nonNegative);
        }
        for (; i < length; i++)
        {
            var value = FloatLane.Load(ref values, i);
            StoreCodes(Codes(value * new FloatLane(inverse), TRounding.CodeIncrement(value, FloatLane.Spread(seed.First + (int)i), FloatLane.Bits(key)), nonNegative), ref codes, i, nonNegative);
        }
    }

    /// <summary>
    /// Codes one whole block (<see cref="BlockSize"/> values, whose largest magnitude's pattern is <paramref name="largestBits"/>)
    /// and returns its scale: the fused kernel's last act on a block of an 8-bit slot. No scalar tail (a whole block is whole
    /// lanes), so that three inlined copies (AMSGrad) stay within the kernel loop's inlining budget; calling it instead
    /// spilled the loop's registers around every call. <paramref name="spread"/> is the block's first lane's <see cref="ICodecLane{T}.Spread"/>,
    /// <paramref name="key"/> the step's <see cref="RoundingSeed.Key"/> in every element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float EncodeWholeBlock<T, TRounding>(ref float values, ref byte codes, int largestBits, bool nonNegative, T spread, T key)
        where T : struct, ICodecLane<T> where TRounding : struct, IRoundingMode
    {
        float scale = Scale(TRounding.ScaleBits(largestBits));
        T factor = T.Broadcast(scale > 0 ? 1 / scale : 0), stride = SpreadStride<T>();
        for (nuint i = 0; i < BlockSize; i += (nuint)T.Count)
        {
            var value = T.Load(ref values, i);
            StoreCodes(Codes(value * factor, TRounding.CodeIncrement(value, spread, key), nonNegative), ref codes, i, nonNegative);
            if (TRounding.Draws) spread = T.AddBits(spread, stride);
        }
        return scale;
    }

    /// <summary>
    /// An integer below 2^<paramref name="bits"/> per element, uniform over the steps: the top bits of the value's bits plus its
    /// position times the golden ratio (<paramref name="spread"/>, <see cref="ICodecLane{T}.Spread"/>), exclusive-or the step's key
    /// (<see cref="RoundingSeed.Key"/>, a full hash of the step).
    /// </summary>
    /// <remarks>
    /// Stochastic rounding is unbiased when each value's draw is uniform and independent of the fraction it rounds: the key does
    /// that, fresh and uniform every step, whatever it is combined with. The value's bits and the position only make values
    /// differ from one another: neighbours' draws are a Weyl sequence (spread by 2³²/φ, low-discrepancy, as a dither), and the same
    /// position in two tensors draws apart. A full integer hash per value (lowbias32, two multiplies) measured the same bias and
    /// training accuracy in every case and cost 15–30% of a bfloat16 step in cache (<c>benchmarks/results/compressed-state-quality.md</c>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Draw<T>(T values, T spread, T key, int bits) where T : struct, ICodecLane<T> =>
        T.ShiftRight(T.Xor(T.AddBits(values, spread), key), 32 - bits);

    /// <summary>
    /// The 8-bit code of each quotient (value ÷ its block's scale), in the low byte of each element: its bits from the
    /// exponent down to the third fraction bit after adding <paramref name="increment"/> (<see cref="IRoundingMode.CodeIncrement"/>) below them.
    /// A non-negative slot's codes are not capped at 255 here but as they are stored (<see cref="StoreCodes"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Codes<T>(T quotient, T increment, bool nonNegative) where T : struct, ICodecLane<T>
    {
        int offset = nonNegative ? UnsignedOffset : SignedOffset;
        var magnitude = T.And(quotient, T.Bits(0x7FFFFFFF));
        // The offset comes off before the shift, in one addition with a constant increment: magnitude + increment − offset·2²⁰ stays within an int.
        var below = T.AddBits(increment, T.Bits(-(offset << FractionShift)));
        var code = T.MaxBits(T.ShiftRightArithmetic(T.AddBits(magnitude, below), FractionShift), T.Bits(0));
        if (nonNegative) return code;
        code = T.MinBits(code, T.Bits(127));
        // The sign (bit 7 of the pattern shifted by 24) where the code is not 0: min(code·2⁷, 2⁷) is 2⁷ for every other code.
        // As a select on bit 7, which the code leaves clear: one instruction (vpternlogd) on AVX-512.
        return T.Select(T.MinBits(T.ShiftLeft(code, 7), T.Bits(0x80)), T.ShiftRight(quotient, 24), code);
    }

    /// <summary>Stores <see cref="Codes"/> at <paramref name="offset"/>: a non-negative slot's saturate at 255 as they are stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreCodes<T>(T codes, ref byte destination, nuint offset, bool nonNegative) where T : struct, ICodecLane<T>
    {
        if (nonNegative) T.StoreBytesSaturated(codes, ref destination, offset);
        else T.StoreBytes(codes, ref destination, offset);
    }

    /// <summary>The values of 8-bit <paramref name="codes"/> (one per element, zero-extended) in a block of scale <paramref name="scale"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Decode<T>(T codes, T scale, bool nonNegative) where T : struct, ICodecLane<T>
    {
        int offset = nonNegative ? UnsignedOffset : SignedOffset;
        var magnitude = nonNegative ? codes : T.And(codes, T.Bits(127));
        // Code 0 is zero: every other magnitude·2¹⁰ exceeds magnitude + offset (at most 1023), so the smaller is the exponent and fraction, or 0.
        var bits = T.ShiftLeft(T.MinBits(T.ShiftLeft(magnitude, 10), T.AddBits(magnitude, T.Bits(offset))), FractionShift);
        // The sign bit (bit 7 shifted to 31, which the magnitude leaves clear) as a select: one instruction (vpternlogd) on AVX-512.
        if (!nonNegative) bits = T.Select(T.Bits(int.MinValue), T.ShiftLeft(codes, 24), bits);
        return bits * scale;
    }

    /// <summary>
    /// Each element rounded to bfloat16 after adding <paramref name="increment"/> (<see cref="IRoundingMode.BFloat16Increment"/>) below
    /// the kept bits (NaN stays NaN), its code in the low 16 bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T ToBFloat16<T>(T values, T increment) where T : struct, ICodecLane<T>
    {
        var rounded = T.AddBits(values, increment);
        return T.ShiftRight(T.QuietNaNsOr(values, rounded), 16);
    }

    /// <summary>The floats of bfloat16 codes (one per element, in the low 16 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T FromBFloat16<T>(T codes) where T : struct, ICodecLane<T> => T.ShiftLeft(codes, 16);
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>
/// Compressed optimizer state: bfloat16, and 8-bit block-wise quantisation after Dettmers et al. 2022
/// ("8-bit Optimizers via Block-wise Quantization"): each block of <see cref="BlockSize"/> values is
/// divided by a scale set by its largest magnitude (kept as a float) and each quotient stored as the nearest
/// code of a dynamic map — an exponent and a 3-bit linear fraction, so that small values keep their
/// relative precision instead of a linear map's fixed step.
/// Non-negative slots (second moments, sums of squares) are rounded stochastically, signed slots to nearest unless
/// they say otherwise (<c>StateSlot.Rounding</c>).
/// </summary>
/// <remarks>
/// The map's exponents are powers of two rather than the paper's powers of ten, so that the nearest code
/// is the float's own bits rounded (no table search) and a block encodes and decodes in SIMD registers.
/// The scale is a power of two rather than the absmax itself: the map's codes are relative to each value's own
/// binade, so a power-of-two scale loses no precision, a quotient is exact, and the top code is 2 − 2⁻³ rather than 1.
/// That headroom lets a block keep last step's scale while its largest magnitude stays within [½, 2 − 2⁻³) of it
/// (<see cref="KeepsScale"/>), which it does on most steps: the fused kernel then codes each value as it comes,
/// on integer bits alone, and only a block that leaves that range is coded again on a fresh scale (<see cref="FreshScaleBits"/>);
/// and a code decodes by adding the scale's exponent to its bits (<see cref="LoadInline"/>), with no multiplication.
/// The price of a fixed grid: the codes a value can take no longer move with the block's largest magnitude from step to
/// step, so a slow average rounded to nearest sticks to its code wherever its step-to-step change is below half a code step.
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
/// gradient instead of accruing one way, and stochastic rounding would double the largest error of every value. A momentum
/// that is itself a slow average is the exception (Lion's, β₂ = 0.99: rounded to nearest on the fixed grid it lost 0.45 points
/// on Fashion-MNIST), and says so in its slot.
/// A running maximum (AMSGrad's v_max) is rounded down instead (<see cref="StateRounding.Down"/>):
/// it changes only when it grows, yet every rescale of its block codes it again, and max(v̂, v) keeps whatever lands high
/// (stochastic draws above the value; to nearest, a code kept while the scale grows). A power-of-two
/// scale makes a rescale exact, and rounding down keeps the coded maximum at or below the values it was computed from.
/// Error bound of one value x in a block of scale s: |x̂ − x| ≤ max(2⁻⁴·|x|, 2⁻¹⁴·s) signed (nearest),
/// &lt; max(2⁻³·|x|, 2⁻³⁰·s) non-negative (one code step; rounded down: one step, and never above x); bfloat16: ≤ 2⁻⁸·|x| to nearest even, &lt; 2⁻⁷·|x| stochastic.
/// A block's scale is at most twice its largest magnitude (a fresh one at most 2⁻³ above it), so s ≤ 2·max|x| in these bounds.
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
    private const int Exponent = 0x7F800000, Infinity = 0x7F800000, LargestPowerOfTwo = 0x7F000000;
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
    /// Quantises <paramref name="values"/> (at most one block) into <paramref name="codes"/> with <paramref name="rounding"/> on a fresh
    /// scale (<see cref="FreshScaleBits"/>); returns it.
    /// </summary>
    public static float EncodeBlock(ReadOnlySpan<float> values, Span<byte> codes, bool nonNegative, StateRounding rounding, RoundingSeed seed) =>
        EncodeBlock(values, codes, nonNegative, rounding, seed, previousScale: 0);

    /// <summary>
    /// Quantises <paramref name="values"/> (at most one block) into <paramref name="codes"/> with <paramref name="rounding"/>, on the power of
    /// two of <paramref name="previousScale"/> (the block's scale before this step) if the values' largest magnitude lets it keep that
    /// (<see cref="KeepsScale"/>), else on a fresh scale; returns the scale. This is what every step of a compressed slot does.
    /// </summary>
    public static float EncodeBlock(ReadOnlySpan<float> values, Span<byte> codes, bool nonNegative, StateRounding rounding, RoundingSeed seed, float previousScale)
    {
        if (codes.Length < values.Length) throw new ArgumentException("fewer codes than values", nameof(codes));
        ref float source = ref MemoryMarshal.GetReference(values);
        ref byte destination = ref MemoryMarshal.GetReference(codes);
        nuint length = (nuint)values.Length;
        if (Vector512.IsHardwareAccelerated) return EncodeBlock<Float512Lane>(ref source, ref destination, length, nonNegative, rounding, seed, previousScale);
        if (Vector256.IsHardwareAccelerated) return EncodeBlock<Float256Lane>(ref source, ref destination, length, nonNegative, rounding, seed, previousScale);
        if (Vector128.IsHardwareAccelerated) return EncodeBlock<Float128Lane>(ref source, ref destination, length, nonNegative, rounding, seed, previousScale);
        return EncodeBlock<FloatLane>(ref source, ref destination, length, nonNegative, rounding, seed, previousScale);
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

    internal static float EncodeBlock<T>(ref float values, ref byte codes, nuint length, bool nonNegative, StateRounding rounding, RoundingSeed seed, float previousScale)
        where T : struct, ICodecLane<T> =>
        rounding switch
        {
            StateRounding.Stochastic => EncodeBlock<T, Stochastically>(ref values, ref codes, length, nonNegative, seed, previousScale),
            StateRounding.Down => EncodeBlock<T, Downward>(ref values, ref codes, length, nonNegative, seed, previousScale),
            _ => EncodeBlock<T, ToNearest>(ref values, ref codes, length, nonNegative, seed, previousScale),
        };

    private static float EncodeBlock<T, TRounding>(ref float values, ref byte codes, nuint length, bool nonNegative, RoundingSeed seed, float previousScale)
        where T : struct, ICodecLane<T> where TRounding : struct, IRoundingMode
    {
        T largest = default;
        nuint i = 0;
        for (; i + (nuint)T.Count <= length; i += (nuint)T.Count) largest = Magnitudes(largest, T.Load(ref values, i));
        int bits = T.LargestBits(largest);
        for (; i < length; i++) bits = FloatLane.LargestBits(Magnitudes(FloatLane.Bits(bits), FloatLane.Load(ref values, i)));
        float scale = Scale(ScaleBits<TRounding>(BitConverter.SingleToInt32Bits(previousScale), bits, nonNegative));
        Encode<T, TRounding>(ref values, ref codes, length, scale, nonNegative, seed);
        return scale;
    }

    internal static void DecodeBlock<T>(ref byte codes, ref float values, nuint length, float scale, bool nonNegative) where T : struct, ICodecLane<T>
    {
        nuint i = 0;
        int scaleBits = BitConverter.SingleToInt32Bits(scale);
        if (DecodesInline(scaleBits, nonNegative))
        {
            int exponent = InlineExponent(scaleBits, nonNegative);
            for (; i + (nuint)T.Count <= length; i += (nuint)T.Count) T.Store(LoadInline(ref codes, i, T.Bits(exponent), nonNegative), ref values, i);
            for (; i < length; i++) FloatLane.Store(LoadInline(ref codes, i, FloatLane.Bits(exponent), nonNegative), ref values, i);
            return;
        }
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
        T spread = T.Spread(seed.First, key), stride = SpreadStride<T>();
        nuint i = 0;
        for (; i + (nuint)T.Count <= length; i += (nuint)T.Count, spread = T.AddBits(spread, stride))
        {
            var value = T.Load(ref values, i);
            T.StoreHalves(ToBFloat16(value, TRounding.BFloat16Increment(value, spread)), ref codes, i);
        }
        for (; i < length; i++)
        {
            var value = FloatLane.Load(ref values, i);
            FloatLane.StoreHalves(ToBFloat16(value, TRounding.BFloat16Increment(value, FloatLane.Spread(seed.First + (int)i, key))), ref codes, i);
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

    /// <summary>A block's scale from its pattern (<see cref="ScaleBits"/>): NaN if any value was NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Scale(int scaleBits)
    {
        float scale = BitConverter.Int32BitsToSingle(scaleBits);
        return float.IsNaN(scale) ? float.NaN : scale;
    }

    /// <summary>
    /// The pattern of the scale a block is coded on this step, from its scale before the step (<paramref name="previousBits"/>) and the
    /// pattern of its new largest magnitude (<see cref="Magnitudes"/>): the previous scale's power of two if it keeps it, else a fresh one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ScaleBits<TRounding>(int previousBits, int largestBits, bool nonNegative) where TRounding : struct, IRoundingMode =>
        KeepsScale(previousBits, largestBits, TRounding.MaxIncrement, nonNegative) ? KeptScaleBits(previousBits) : FreshScaleBits(largestBits, TRounding.MaxIncrement);

    /// <summary>The pattern of the scale a block keeps (<see cref="KeepsScale"/>): its previous scale's power of two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int KeptScaleBits(int previousBits) => previousBits & Exponent;

    /// <summary>
    /// Whether a block whose scale was <paramref name="previousBits"/> keeps its power of two: while its largest magnitude stays at or above
    /// half of it and below twice it less the rounding's largest increment (so that no value rounds up past the top code), and the power
    /// of two is one <see cref="InlineBias"/> codes on (neither zero, nor tiny, nor infinite, nor NaN); and a block of zeros keeps a scale of zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool KeepsScale(int previousBits, int largestBits, int maxIncrement, bool nonNegative)
    {
        int exponent = previousBits >> 23;
        // A block of zeros on a scale of zero stays so (as a fresh scale would be), with no second coding.
        if (largestBits == 0 && previousBits == 0) return true;
        return CodesInline(exponent, nonNegative) && largestBits >= (exponent - 1) << 23 && largestBits < ((exponent + 1) << 23) - maxIncrement;
    }

    /// <summary>
    /// A fresh scale's pattern from that of the block's largest magnitude: the power of two at or below it, or the next one up where the
    /// largest could round up past the top code (<paramref name="maxIncrement"/>, <see cref="IRoundingMode.MaxIncrement"/>); at most 2¹²⁷;
    /// infinity and NaN as they are (every value then decodes as infinity or NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int FreshScaleBits(int largestBits, int maxIncrement) =>
        largestBits >= Infinity ? largestBits : Math.Min((largestBits + maxIncrement) & Exponent, LargestPowerOfTwo);

    /// <summary>
    /// What <see cref="Codes"/> adds to a value's magnitude to code it on the power of two of <paramref name="scaleBits"/> without dividing:
    /// the quotient's pattern is the value's less the scale's exponent, exact for every quotient the map codes. Zero where the block cannot keep
    /// that scale (<see cref="KeepsScale"/>: its codes are then coded again).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int InlineBias(int scaleBits, bool nonNegative)
    {
        int exponent = scaleBits >> 23;
        return CodesInline(exponent, nonNegative) ? -((exponent - SmallestExponent(nonNegative)) << 23) : 0;
    }

    // How far below the scale the map reaches: quotients down to 2⁻¹⁵ signed, 2⁻³¹ non-negative.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SmallestExponent(bool nonNegative) => nonNegative ? 31 : 15;

    // Whether a scale of this biased exponent (a float's, sign bit clear) is one values are coded on and decoded from by integer bits. One below
    // 2^(1 + smallest exponent − 127) could make a zero's inline code positive, and 255 is infinity or NaN: such blocks are coded on a fresh
    // scale every step, and decoded by a multiplication.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CodesInline(int exponent, bool nonNegative) => exponent > SmallestExponent(nonNegative) && exponent < 255;

    /// <summary>Codes <paramref name="length"/> values of one block whose scale is <paramref name="scale"/>.</summary>
    private static void Encode<T, TRounding>(ref float values, ref byte codes, nuint length, float scale, bool nonNegative, RoundingSeed seed)
        where T : struct, ICodecLane<T> where TRounding : struct, IRoundingMode
    {
        float inverse = scale > 0 ? 1 / scale : 0;
        T factor = T.Broadcast(inverse);
        int key = seed.Key;
        T spread = T.Spread(seed.First, key), stride = SpreadStride<T>();
        nuint i = 0;
        for (; i + (nuint)T.Count <= length; i += (nuint)T.Count, spread = T.AddBits(spread, stride))
        {
            var value = T.Load(ref values, i);
            StoreCodes(Codes(value * factor, TRounding.CodeIncrement(value, spread), T.Bits(QuotientBias(nonNegative)), nonNegative), ref codes, i, nonNegative);
        }
        for (; i < length; i++)
        {
            var value = FloatLane.Load(ref values, i);
            var increment = TRounding.CodeIncrement(value, FloatLane.Spread(seed.First + (int)i, key));
            StoreCodes(Codes(value * new FloatLane(inverse), increment, FloatLane.Bits(QuotientBias(nonNegative)), nonNegative), ref codes, i, nonNegative);
        }
    }

    /// <summary>
    /// Codes one whole block (<see cref="BlockSize"/> values) on the scale whose pattern is <paramref name="scaleBits"/> and returns the scale:
    /// what the fused kernel does, outside its element loop, with a block of an 8-bit slot that cannot keep its scale (<see cref="KeepsScale"/>).
    /// No scalar tail: a whole block is whole lanes. <paramref name="spread"/> is the block's first lane's <see cref="ICodecLane{T}.Spread"/>
    /// under the step's <see cref="RoundingSeed.Key"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float EncodeWholeBlock<T, TRounding>(ref float values, ref byte codes, int scaleBits, bool nonNegative, T spread)
        where T : struct, ICodecLane<T> where TRounding : struct, IRoundingMode
    {
        float scale = Scale(scaleBits);
        T factor = T.Broadcast(scale > 0 ? 1 / scale : 0), stride = SpreadStride<T>(), bias = T.Bits(QuotientBias(nonNegative));
        for (nuint i = 0; i < BlockSize; i += (nuint)T.Count)
        {
            var value = T.Load(ref values, i);
            StoreCodes(Codes(value * factor, TRounding.CodeIncrement(value, spread), bias, nonNegative), ref codes, i, nonNegative);
            if (TRounding.Draws) spread = T.AddBits(spread, stride);
        }
        return scale;
    }

    /// <summary>
    /// Codes the values at <paramref name="offset"/> as they come, on a block scale whose <see cref="InlineBias"/> plus the rounding's
    /// <see cref="IRoundingMode.FixedIncrement"/> is <paramref name="bias"/> in every element: the fused kernel's store of an 8-bit slot.
    /// The codes are final if the block keeps that scale (<see cref="KeepsScale"/>). Returns the values' magnitudes, whose largest decides that.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T StoreInline<T, TRounding>(T values, ref byte codes, nuint offset, T bias, bool nonNegative, T spread)
        where T : struct, ICodecLane<T> where TRounding : struct, IRoundingMode
    {
        var magnitudes = T.And(values, T.Bits(0x7FFFFFFF));
        var below = TRounding.Draws ? T.AddBits(TRounding.CodeIncrement(values, spread), bias) : bias;
        // Uncapped: a block that keeps its scale has no code above the top one, and the codes of one that does not are coded again.
        StoreCodes(CodesOf(values, magnitudes, below, nonNegative, capped: false), ref codes, offset, nonNegative);
        return magnitudes;
    }

    /// <summary>
    /// An integer below 2^<paramref name="bits"/> per element, uniform over the steps: the top bits of the sum of the value's bits, its
    /// position times the golden ratio and the step's key (<paramref name="spread"/>, <see cref="ICodecLane{T}.Spread"/>; the key is
    /// <see cref="RoundingSeed.Key"/>, a full hash of the step).
    /// </summary>
    /// <remarks>
    /// Stochastic rounding is unbiased when each value's draw is uniform and independent of the fraction it rounds: the key does
    /// that, fresh and uniform every step, whatever it is added to (modulo 2³²). Added into the spread once per block, it costs the element
    /// loop nothing (an exclusive-or per lane did, measured: <c>benchmarks/results/compressed-state-final.md</c>). The value's bits and the position only make values
    /// differ from one another: neighbours' draws are a Weyl sequence (spread by 2³²/φ, low-discrepancy, as a dither), and the same
    /// position in two tensors draws apart. A full integer hash per value (lowbias32, two multiplies) measured the same bias and
    /// training accuracy in every case and cost 15–30% of a bfloat16 step in cache (<c>benchmarks/results/compressed-state-quality.md</c>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Draw<T>(T values, T spread, int bits) where T : struct, ICodecLane<T> =>
        T.ShiftRight(T.AddBits(values, spread), 32 - bits);

    /// <summary>What <see cref="Codes"/> adds to a quotient's magnitude: the map's exponent offset (the <see cref="InlineBias"/> of a scale of 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int QuotientBias(bool nonNegative) => -((nonNegative ? UnsignedOffset : SignedOffset) << FractionShift);

    /// <summary>
    /// The 8-bit code of each quotient (value ÷ its block's scale), in the low byte of each element: its bits from the
    /// exponent down to the third fraction bit after adding <paramref name="increment"/> (<see cref="IRoundingMode.CodeIncrement"/>) below them,
    /// less the map's exponent offset (<paramref name="bias"/>: <see cref="QuotientBias"/>, or a value's <see cref="InlineBias"/>).
    /// A non-negative slot's codes are not capped at 255 here but as they are stored (<see cref="StoreCodes"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Codes<T>(T quotient, T increment, T bias, bool nonNegative) where T : struct, ICodecLane<T> =>
        CodesOf(quotient, T.And(quotient, T.Bits(0x7FFFFFFF)), T.AddBits(increment, bias), nonNegative, capped: true);

    /// <summary>
    /// <see cref="Codes"/> from the quotients' magnitudes and what is added to them (<paramref name="below"/>: the increment and the bias);
    /// a signed code above the top one is capped only if <paramref name="capped"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T CodesOf<T>(T quotient, T magnitude, T below, bool nonNegative, bool capped) where T : struct, ICodecLane<T>
    {
        // The offset comes off before the shift, in one addition with the increment: magnitude + increment + bias stays within an int.
        var code = T.MaxBits(T.ShiftRightArithmetic(T.AddBits(magnitude, below), FractionShift), T.Bits(0));
        if (nonNegative) return code;
        // The sign is bit 7 (the pattern's bit 31 shifted by 24), which the capped code leaves clear: an or under a mask, one
        // instruction (vpternlogd) on AVX-512. A value too small for the map codes as a signed zero.
        return T.Select(T.Bits(0x80), T.ShiftRight(quotient, 24), capped ? T.MinBits(code, T.Bits(127)) : code);
    }

    /// <summary>Stores <see cref="Codes"/> at <paramref name="offset"/>: a non-negative slot's saturate at 255 as they are stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreCodes<T>(T codes, ref byte destination, nuint offset, bool nonNegative) where T : struct, ICodecLane<T>
    {
        if (nonNegative) T.StoreBytesSaturated(codes, ref destination, offset);
        else T.StoreBytes(codes, ref destination, offset);
    }

    /// <summary>
    /// Whether a block of scale <paramref name="scaleBits"/> decodes by <see cref="LoadInline"/>: a scale of zero (whose codes are all zero),
    /// or a power of two whose values' patterns are the codes' plus a constant (<see cref="InlineExponent"/>). Others (a scale from an older
    /// checkpoint, infinity, NaN, one below 2⁻¹¹¹) decode by a multiplication (<see cref="Decode"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool DecodesInline(int scaleBits, bool nonNegative) =>
        scaleBits == 0 || ((scaleBits & 0x7FFFFF) == 0 && CodesInline(scaleBits >> 23, nonNegative));

    /// <summary>What <see cref="LoadInline"/> adds to a code's pattern on a scale that <see cref="DecodesInline"/>: the opposite of its <see cref="InlineBias"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int InlineExponent(int scaleBits, bool nonNegative) => -InlineBias(scaleBits, nonNegative);

    /// <summary>
    /// The values of the 8-bit codes at <paramref name="offset"/> in a block whose scale <see cref="DecodesInline"/>, with
    /// <paramref name="exponent"/> its <see cref="InlineExponent"/> in every element: each code's exponent and fraction moved into place and
    /// the scale's exponent added where the code is not zero, with no multiplication; the same values as <see cref="Decode"/>'s.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T LoadInline<T>(ref byte codes, nuint offset, T exponent, bool nonNegative) where T : struct, ICodecLane<T>
    {
        if (nonNegative)
        {
            var bits = T.ShiftLeft(T.LoadBytes(ref codes, offset), FractionShift);
            return T.AddBitsWhere(bits, bits, exponent);
        }
        // Sign-extended, a code's magnitude shifted into the fraction's place leaves copies of its sign in bits 31 to 27: all but bit 31
        // cleared, that is the sign in place (5 instructions on AVX-512 where moving the sign apart took 6). A signed zero stays one.
        var code = T.LoadSignedBytes(ref codes, offset);
        return T.AddBitsWhere(T.And(code, T.Bits(127)), T.And(T.ShiftLeft(code, FractionShift), T.Bits(unchecked((int)0x87FFFFFF))), exponent);
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

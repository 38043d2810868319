using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// How the fused compressed loop reads and writes one state slot, as a type, so that the loop is compiled once per
/// combination of formats with no branch per element. Each works on one block of <see cref="StateCodec.BlockSize"/>
/// values at a time: <see cref="Exponent"/> and <see cref="Bias"/> before it, <see cref="Load"/> and <see cref="Store"/> per lane, <see cref="Finish"/> after.
/// The bit formats themselves are <see cref="StateCodec"/>'s.
/// </summary>
internal unsafe interface ISlotFormat
{
    /// <summary>Whether <see cref="Store"/> draws (a stochastically rounded bfloat16 slot): else the loop need not advance the spread it takes.</summary>
    static abstract bool DrawsInStore { get; }

    /// <summary>The slot's storage from element <paramref name="index"/> on.</summary>
    static abstract byte* At(byte* values, nuint index);

    /// <summary>Whether <see cref="Load"/> can decode the block (8-bit codes: if its scale <see cref="StateCodec.DecodesInline"/>); else it is stepped apart.</summary>
    static abstract bool Decodes(float* scales, nuint block);

    /// <summary>What decodes the block in every element (8-bit codes only: its scale's <see cref="StateCodec.InlineExponent"/>).</summary>
    static abstract TLane Exponent<TLane>(float* scales, nuint block) where TLane : struct, ICodecLane<TLane>;

    /// <summary>What codes the block's new values on its scale as they come (8-bit codes only: <see cref="StateCodec.InlineBias"/>), in every element.</summary>
    static abstract TLane Bias<TLane>(float* scales, nuint block) where TLane : struct, ICodecLane<TLane>;

    /// <summary>The slot's values at element <paramref name="index"/>.</summary>
    static abstract TLane Load<TLane>(byte* values, nuint index, TLane exponent) where TLane : struct, ICodecLane<TLane>;

    /// <summary>
    /// Stores the values at <paramref name="index"/>; 8-bit codes on the block's scale (<paramref name="bias"/>, from <see cref="Bias"/>), also
    /// keeping the values in the block's scratch and folding their magnitudes into <paramref name="largest"/>, in case the block must be coded
    /// again on another scale. <paramref name="spread"/> is the elements' <see cref="ICodecLane{T}.Spread"/> under the step's
    /// <see cref="RoundingSeed.Key"/>: what a stochastically rounded slot draws from.
    /// </summary>
    static abstract void Store<TLane>(TLane value, byte* values, nuint index, float* scratch, nuint inBlock, ref TLane largest, TLane bias, TLane spread) where TLane : struct, ICodecLane<TLane>;

    /// <summary>
    /// After the block's last lane: whether the block is done. An 8-bit slot's is if it keeps its scale (<see cref="StateCodec.KeepsScale"/>,
    /// from the largest magnitude <see cref="Store"/> folded), which it writes; else <see cref="Settle"/> must code it again.
    /// </summary>
    static abstract bool Finish<TLane>(float* scales, nuint block, TLane largest) where TLane : struct, ICodecLane<TLane>;

    /// <summary>
    /// After a block some slot could not <see cref="Finish"/>: an 8-bit slot that did not keep its scale codes the block again from its
    /// <paramref name="scratch"/> on a fresh one. <paramref name="start"/> is the block's first element's index in its tensor and
    /// <paramref name="key"/> the step's <see cref="RoundingSeed.Key"/>: what a stochastically rounded slot draws from.
    /// </summary>
    static abstract void Settle<TLane>(byte* values, float* scales, nuint block, float* scratch, int start, int key) where TLane : struct, ICodecLane<TLane>;
}

/// <summary>A slot the algorithm does not use.</summary>
internal readonly unsafe struct Unused : ISlotFormat
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* At(byte* values, nuint index) => values;
    public static bool DrawsInStore => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Exponent<TLane>(float* scales, nuint block) where TLane : struct, ICodecLane<TLane> => default;
    public static bool Decodes(float* scales, nuint block) => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Bias<TLane>(float* scales, nuint block) where TLane : struct, ICodecLane<TLane> => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Load<TLane>(byte* values, nuint index, TLane exponent) where TLane : struct, ICodecLane<TLane> => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TLane>(TLane value, byte* values, nuint index, float* scratch, nuint inBlock, ref TLane largest, TLane bias, TLane spread) where TLane : struct, ICodecLane<TLane> { }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Finish<TLane>(float* scales, nuint block, TLane largest) where TLane : struct, ICodecLane<TLane> => true;
    public static void Settle<TLane>(byte* values, float* scales, nuint block, float* scratch, int start, int key) where TLane : struct, ICodecLane<TLane> { }
}

/// <summary>float32 values, in place.</summary>
internal readonly unsafe struct Floats : ISlotFormat
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* At(byte* values, nuint index) => values + 4 * index;
    public static bool DrawsInStore => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Exponent<TLane>(float* scales, nuint block) where TLane : struct, ICodecLane<TLane> => default;
    public static bool Decodes(float* scales, nuint block) => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Bias<TLane>(float* scales, nuint block) where TLane : struct, ICodecLane<TLane> => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Load<TLane>(byte* values, nuint index, TLane exponent) where TLane : struct, ICodecLane<TLane> => TLane.Load(ref *(float*)values, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TLane>(TLane value, byte* values, nuint index, float* scratch, nuint inBlock, ref TLane largest, TLane bias, TLane spread) where TLane : struct, ICodecLane<TLane> =>
        TLane.Store(value, ref *(float*)values, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Finish<TLane>(float* scales, nuint block, TLane largest) where TLane : struct, ICodecLane<TLane> => true;
    public static void Settle<TLane>(byte* values, float* scales, nuint block, float* scratch, int start, int key) where TLane : struct, ICodecLane<TLane> { }
}

/// <summary>bfloat16 codes, converted in registers on the way in and out, rounded as <typeparamref name="TRounding"/> says.</summary>
internal readonly unsafe struct BFloat16s<TRounding> : ISlotFormat where TRounding : struct, IRoundingMode
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* At(byte* values, nuint index) => values + 2 * index;
    public static bool DrawsInStore => TRounding.Draws;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Exponent<TLane>(float* scales, nuint block) where TLane : struct, ICodecLane<TLane> => default;
    public static bool Decodes(float* scales, nuint block) => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Bias<TLane>(float* scales, nuint block) where TLane : struct, ICodecLane<TLane> => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Load<TLane>(byte* values, nuint index, TLane exponent) where TLane : struct, ICodecLane<TLane> =>
        StateCodec.FromBFloat16(TLane.LoadHalves(ref *(ushort*)values, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TLane>(TLane value, byte* values, nuint index, float* scratch, nuint inBlock, ref TLane largest, TLane bias, TLane spread) where TLane : struct, ICodecLane<TLane> =>
        TLane.StoreHalves(StateCodec.ToBFloat16(value, TRounding.BFloat16Increment(value, spread)), ref *(ushort*)values, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Finish<TLane>(float* scales, nuint block, TLane largest) where TLane : struct, ICodecLane<TLane> => true;
    public static void Settle<TLane>(byte* values, float* scales, nuint block, float* scratch, int start, int key) where TLane : struct, ICodecLane<TLane> { }
}

/// <summary>Whether an 8-bit slot's codes have a sign (momenta) or not (second moments, sums of squares: a wider exponent), as a type.</summary>
internal interface ICodeSign
{
    /// <summary>True for codes without a sign.</summary>
    static abstract bool NonNegative { get; }
}

/// <summary>Codes with a sign bit, 4 exponent bits and 3 fraction bits.</summary>
internal readonly struct Signed : ICodeSign
{
    public static bool NonNegative => false;
}

/// <summary>Codes without a sign: 5 exponent bits and 3 fraction bits.</summary>
internal readonly struct Unsigned : ICodeSign
{
    public static bool NonNegative => true;
}

/// <summary>8-bit codes, signed or not as <typeparamref name="TSign"/> says, rounded as <typeparamref name="TRounding"/> says.</summary>
internal readonly unsafe struct EightBitCodes<TSign, TRounding> : ISlotFormat where TSign : struct, ICodeSign where TRounding : struct, IRoundingMode
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* At(byte* values, nuint index) => values + index;
    public static bool DrawsInStore => TRounding.Draws;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Exponent<TLane>(float* scales, nuint block) where TLane : struct, ICodecLane<TLane> =>
        TLane.Bits(StateCodec.InlineExponent(BitConverter.SingleToInt32Bits(scales[block]), TSign.NonNegative));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Decodes(float* scales, nuint block) => StateCodec.DecodesInline(BitConverter.SingleToInt32Bits(scales[block]), TSign.NonNegative);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Bias<TLane>(float* scales, nuint block) where TLane : struct, ICodecLane<TLane> => Codes.Bias<TLane, TRounding>(scales, block, TSign.NonNegative);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Load<TLane>(byte* values, nuint index, TLane exponent) where TLane : struct, ICodecLane<TLane> =>
        StateCodec.LoadInline(ref *values, index, exponent, TSign.NonNegative);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TLane>(TLane value, byte* values, nuint index, float* scratch, nuint inBlock, ref TLane largest, TLane bias, TLane spread) where TLane : struct, ICodecLane<TLane> =>
        Codes.Store<TLane, TRounding>(value, values, index, scratch, inBlock, ref largest, bias, TSign.NonNegative, spread);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Finish<TLane>(float* scales, nuint block, TLane largest) where TLane : struct, ICodecLane<TLane> =>
        Codes.Finish<TLane, TRounding>(scales, block, largest, TSign.NonNegative);
    public static void Settle<TLane>(byte* values, float* scales, nuint block, float* scratch, int start, int key) where TLane : struct, ICodecLane<TLane> =>
        Codes.Settle<TLane, TRounding>(values, scales, block, scratch, TSign.NonNegative, start, key);
}

/// <summary>
/// What both 8-bit formats do with a block: code its new values as they come on the block's scale, keep them in L1 scratch, and
/// code them again from there on a fresh scale if the block's largest magnitude has left the range its scale codes.
/// </summary>
internal static unsafe class Codes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TLane Bias<TLane, TRounding>(float* scales, nuint block, bool nonNegative) where TLane : struct, ICodecLane<TLane> where TRounding : struct, IRoundingMode =>
        TLane.Bits(StateCodec.InlineBias(BitConverter.SingleToInt32Bits(scales[block]), nonNegative) + TRounding.FixedIncrement);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TLane, TRounding>(TLane value, byte* values, nuint index, float* scratch, nuint inBlock, ref TLane largest, TLane bias, bool nonNegative, TLane spread)
        where TLane : struct, ICodecLane<TLane> where TRounding : struct, IRoundingMode
    {
        TLane.Store(value, ref *scratch, inBlock);
        largest = TLane.MaxBits(largest, StateCodec.StoreInline<TLane, TRounding>(value, ref *values, index, bias, nonNegative, spread));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Finish<TLane, TRounding>(float* scales, nuint block, TLane largest, bool nonNegative)
        where TLane : struct, ICodecLane<TLane> where TRounding : struct, IRoundingMode
    {
        int previous = BitConverter.SingleToInt32Bits(scales[block]);
        if (!StateCodec.KeepsScale(previous, TLane.LargestBits(largest), TRounding.MaxIncrement, nonNegative)) return false;
        scales[block] = BitConverter.Int32BitsToSingle(StateCodec.KeptScaleBits(previous));
        return true;
    }

    /// <summary>
    /// Codes a block again from its scratch on a fresh scale, unless it kept its scale (<see cref="Finish"/> wrote it then). Fully optimised
    /// from its first call: a step from fresh state codes every block again, and unoptimised it made a process's first step 50 times slower.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Settle<TLane, TRounding>(byte* values, float* scales, nuint block, float* scratch, bool nonNegative, int start, int key)
        where TLane : struct, ICodecLane<TLane> where TRounding : struct, IRoundingMode
    {
        TLane largest = default;
        for (nuint i = 0; i < StateCodec.BlockSize; i += (nuint)TLane.Count) largest = StateCodec.Magnitudes(largest, TLane.Load(ref *scratch, i));
        int largestBits = TLane.LargestBits(largest), previous = BitConverter.SingleToInt32Bits(scales[block]);
        if (StateCodec.KeepsScale(previous, largestBits, TRounding.MaxIncrement, nonNegative)) return;
        scales[block] = StateCodec.EncodeWholeBlock<TLane, TRounding>(ref *scratch, ref *(values + block * StateCodec.BlockSize),
                                                                     StateCodec.FreshScaleBits(largestBits, TRounding.MaxIncrement), nonNegative,
                                                                     TLane.Spread(start, key));
    }
}

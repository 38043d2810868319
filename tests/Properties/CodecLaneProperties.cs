using System.Runtime.Intrinsics;
using AdaptiveLR.Pure.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// The compressed-state formats are written once on <see cref="ICodecLane{T}"/> and run on 512-bit, 256-bit, 128-bit and
/// single-float lanes (the fused kernel's registers, the bulk codec, the tails): every width must code and decode
/// every value alike, special values included, or a checkpoint would depend on the machine that wrote it.
/// </summary>
public class CodecLaneProperties
{
    private static readonly float[] Specials =
        [0f, -0f, float.NaN, -float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1e-38f, 3.3895314e38f];

    public static Arbitrary<float[]> Values() => Gen.Choose(1, 2 * StateCodec.BlockSize).SelectMany(Floats).ToArbitrary();

    /// <summary>
    /// <paramref name="length"/> floats: any bits, special values and ordinary magnitudes mixed; or a block of one special value
    /// (all zeros, all NaN, all infinite…); or a block of denormals only, whose scale is itself denormal.
    /// </summary>
    internal static Gen<float[]> Floats(int length) =>
        Gen.OneOf(
            Gen.ArrayOf(Gen.OneOf(
                    Gen.Choose(int.MinValue, int.MaxValue).Select(BitConverter.Int32BitsToSingle),
                    Gen.Elements(Specials),
                    Gen.Choose(-1_000_000, 1_000_000).Select(v => v / 1e6f)), length),
            Gen.Elements(Specials).Select(special => Enumerable.Repeat(special, length).ToArray()),
            Gen.ArrayOf(Gen.Choose(-0x7FFFFF, 0x7FFFFF).Select(bits => BitConverter.Int32BitsToSingle(bits < 0 ? int.MinValue | -bits : bits)), length));

    [Property(Arbitrary = [typeof(CodecLaneProperties)], MaxTest = 300)]
    public void EveryLaneWidthCodesEightBitBlocksAlike(float[] values, bool nonNegative, StateRounding rounding, long step, int first, byte previous)
    {
        values = values[..Math.Min(values.Length, StateCodec.BlockSize)];
        if (nonNegative) values = [.. values.Select(MathF.Abs)];
        var seed = new RoundingSeed(step, first);
        // A previous scale the block may keep (from ½ to 3 times its largest magnitude) or none.
        float previousScale = previous == 0 ? 0 : values.Max(MathF.Abs) * (0.5f + previous / 100f);
        var (scale, codes, decoded) = EightBit<FloatLane>(values, nonNegative, rounding, seed, previousScale);
        // The 256- and 128-bit lanes are portable Vector256/Vector128 code: they run (emulated where not accelerated) on any machine.
        AssertSame((scale, codes, decoded), EightBit<Float256Lane>(values, nonNegative, rounding, seed, previousScale));
        AssertSame((scale, codes, decoded), EightBit<Float128Lane>(values, nonNegative, rounding, seed, previousScale));
        if (Vector512.IsHardwareAccelerated) AssertSame((scale, codes, decoded), EightBit<Float512Lane>(values, nonNegative, rounding, seed, previousScale));
    }

    [Property(Arbitrary = [typeof(CodecLaneProperties)], MaxTest = 300)]
    public void EveryLaneWidthRoundsBFloat16Alike(float[] values, StateRounding rounding, long step, int first)
    {
        var seed = new RoundingSeed(step, first);
        var (codes, decoded) = BFloat16<FloatLane>(values, rounding, seed);
        AssertSame(codes, decoded, BFloat16<Float256Lane>(values, rounding, seed));
        AssertSame(codes, decoded, BFloat16<Float128Lane>(values, rounding, seed));
        if (Vector512.IsHardwareAccelerated) AssertSame(codes, decoded, BFloat16<Float512Lane>(values, rounding, seed));
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(float.IsNaN(values[i]), float.IsNaN(BitConverter.Int32BitsToSingle(decoded[i])));
    }

    /// <summary>
    /// On a power-of-two scale a code decodes by adding the scale's exponent to its bits (<c>StateCodec.LoadInline</c>), on any other by a
    /// multiplication (<c>StateCodec.Decode</c>): every code, signed and not, must decode to the same bits both ways on every lane, or a block's
    /// values would depend on the path that decodes it.
    /// </summary>
    [Fact]
    public void EveryCodeDecodesOnAPowerOfTwoScaleAsByMultiplying()
    {
        byte[] codes = [.. Enumerable.Range(0, 256).Select(code => (byte)code)];
        int inline = 0;
        foreach (bool nonNegative in new[] { false, true })
            // Not a scale of zero: its block's codes are all zero.
            for (int exponent = 1; exponent < 255; exponent++)
            {
                int scaleBits = exponent << 23;
                if (!StateCodec.DecodesInline(scaleBits, nonNegative)) continue;
                inline++;
                float scale = BitConverter.Int32BitsToSingle(scaleBits);
                int[] multiplied = [.. codes.Select(code => BitConverter.SingleToInt32Bits(
                    StateCodec.Decode(FloatLane.LoadBytes(ref code, 0), new FloatLane(scale), nonNegative).Value))];
                Assert.Equal(multiplied, Decoded<FloatLane>(codes, scale, nonNegative));
                Assert.Equal(multiplied, Decoded<Float128Lane>(codes, scale, nonNegative));
                Assert.Equal(multiplied, Decoded<Float256Lane>(codes, scale, nonNegative));
                if (Vector512.IsHardwareAccelerated) Assert.Equal(multiplied, Decoded<Float512Lane>(codes, scale, nonNegative));
            }
        Assert.True(inline > 200, $"{inline} scales decode inline");
    }

    private static int[] Decoded<T>(byte[] codes, float scale, bool nonNegative) where T : struct, ICodecLane<T>
    {
        var values = new float[codes.Length];
        StateCodec.DecodeBlock<T>(ref codes[0], ref values[0], (nuint)codes.Length, scale, nonNegative);
        return [.. values.Select(BitConverter.SingleToInt32Bits)];
    }

    private static (float Scale, byte[] Codes, int[] Decoded) EightBit<T>(float[] values, bool nonNegative, StateRounding rounding, RoundingSeed seed, float previousScale)
        where T : struct, ICodecLane<T>
    {
        var codes = new byte[values.Length];
        var decoded = new float[values.Length];
        float scale = StateCodec.EncodeBlock<T>(ref values[0], ref codes[0], (nuint)values.Length, nonNegative, rounding, seed, previousScale);
        StateCodec.DecodeBlock<T>(ref codes[0], ref decoded[0], (nuint)values.Length, scale, nonNegative);
        return (scale, codes, [.. decoded.Select(BitConverter.SingleToInt32Bits)]);
    }

    private static (ushort[] Codes, int[] Decoded) BFloat16<T>(float[] values, StateRounding rounding, RoundingSeed seed) where T : struct, ICodecLane<T>
    {
        var codes = new ushort[values.Length];
        var decoded = new float[values.Length];
        StateCodec.EncodeBFloat16<T>(ref values[0], ref codes[0], (nuint)values.Length, rounding, seed);
        StateCodec.DecodeBFloat16<T>(ref codes[0], ref decoded[0], (nuint)values.Length);
        return (codes, [.. decoded.Select(BitConverter.SingleToInt32Bits)]);
    }

    private static void AssertSame((float Scale, byte[] Codes, int[] Decoded) expected, (float Scale, byte[] Codes, int[] Decoded) actual)
    {
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.Scale), BitConverter.SingleToInt32Bits(actual.Scale));
        Assert.Equal(expected.Codes, actual.Codes);
        Assert.Equal(expected.Decoded, actual.Decoded);
    }

    private static void AssertSame(ushort[] codes, int[] decoded, (ushort[] Codes, int[] Decoded) actual)
    {
        Assert.Equal(codes, actual.Codes);
        Assert.Equal(decoded, actual.Decoded);
    }
}

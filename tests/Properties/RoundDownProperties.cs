using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;
using AdaptiveLR.Pure.Transforms;
using AdaptiveLR.Torch;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>
/// A running maximum (AMSGrad's v_max) is rounded down on power-of-two block scales (<see cref="StateRounding.Down"/>):
/// each value decodes as the code at or below it, computed here from the value's own bits, and a value already on a code
/// keeps its value exactly when its block is coded again under a larger scale, so the coded maximum never decreases.
/// Stochastic rounding or rounding to nearest on the block's own largest magnitude fail the last two.
/// </summary>
public class RoundDownProperties
{
    /// <summary>Non-negative blocks whose values span at most 2²⁰ (so that none falls below the map's smallest code, 2⁻³¹ of the scale).</summary>
    public static Arbitrary<float[]> Blocks() =>
        Gen.Choose(1, StateCodec.BlockSize).SelectMany(length =>
            Gen.Choose(-60, 60).SelectMany(exponent =>
                Gen.ArrayOf(Gen.Choose(1 << 23, 1 << 24).SelectMany(fraction => Gen.Choose(0, 20).Select(shift =>
                    fraction / (float)(1 << 23) * MathF.Pow(2, exponent - shift))), length)))
           .ToArbitrary();

    [Property(Arbitrary = [typeof(RoundDownProperties)], MaxTest = 300)]
    public void EightBitCodesAreTheCodeAtOrBelowOnAPowerOfTwoScale(float[] values, long step, int first)
    {
        var codes = new byte[values.Length];
        var decoded = new float[values.Length];
        float scale = StateCodec.EncodeBlock(values, codes, nonNegative: true, StateRounding.Down, new RoundingSeed(step, first));
        StateCodec.DecodeBlock(codes, scale, decoded, nonNegative: true);
        float largest = values.Max();
        Assert.True(scale <= largest && largest < 2 * scale, $"scale {scale:R} for largest {largest:R}");
        Assert.Equal(0, BitConverter.SingleToInt32Bits(scale) & 0x7FFFFF);
        for (int i = 0; i < values.Length; i++)
        {
            // The quotient by a power of two is exact; its code below keeps the exponent and 3 fraction bits.
            float below = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(values[i] / scale) & ~0xFFFFF) * scale;
            Assert.True(below == decoded[i], $"element {i}: {values[i]:R} decoded as {decoded[i]:R}, not the code below it, {below:R}");
        }
    }

    [Property(Arbitrary = [typeof(RoundDownProperties)], MaxTest = 200)]
    public void BFloat16CodesAreTheValuesTruncated(float[] values, long step, int first)
    {
        var codes = new ushort[values.Length];
        var decoded = new float[values.Length];
        StateCodec.EncodeBFloat16(values, codes, StateRounding.Down, new RoundingSeed(step, first));
        StateCodec.DecodeBFloat16(codes, decoded);
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(values[i]) & ~0xFFFF, BitConverter.SingleToInt32Bits(decoded[i]));
    }

    [Property(Arbitrary = [typeof(RoundDownProperties)], MaxTest = 200)]
    public void ACodedValueKeepsItsValueWhenItsBlockIsRescaled(float[] values, PositiveInt growth, long step)
    {
        var codes = new byte[values.Length + 1];
        var coded = new float[values.Length + 1];
        float scale = StateCodec.EncodeBlock([.. values, 0f], codes, nonNegative: true, StateRounding.Down, new RoundingSeed(step, 0));
        StateCodec.DecodeBlock(codes, scale, coded, nonNegative: true);
        // A new largest element, up to 2⁸ times the old scale: the others must decode exactly as before.
        coded[^1] = scale * (1 + (growth.Get % 255) * 1.0039f);
        float larger = StateCodec.EncodeBlock(coded, codes, nonNegative: true, StateRounding.Down, new RoundingSeed(step + 1, 0));
        var again = new float[coded.Length];
        StateCodec.DecodeBlock(codes, larger, again, nonNegative: true);
        for (int i = 0; i < values.Length; i++)
            Assert.True(again[i] == coded[i], $"element {i}: {coded[i]:R} became {again[i]:R} when the scale grew from {scale:R} to {larger:R}");
    }

    [Fact]
    public void AmsGradKeepsItsRunningMaximumRoundedDownAndItsSecondMomentStochastic()
    {
        var slots = new AdamHyperparameters(AmsGrad: true).Slots;
        Assert.Equal(StateRounding.Stochastic, slots[1]!.Rounding);
        Assert.Equal(StateRounding.Down, slots[2]!.Rounding);
    }

    [Theory]
    [InlineData(StatePrecision.Int8)]
    [InlineData(StatePrecision.BFloat16)]
    public void AmsGradsCodedRunningMaximumNeverDecreases(StatePrecision precision)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(3);
        // Gradients whose size changes from step to step, so that every block's scale moves; one tensor not a multiple of a block.
        var parameter = new Parameter(randn([20 * StateCodec.BlockSize + 77], generator: generator));
        using var optimizer = new AdaptiveOptimizer([("w", parameter)], new OptimizerChain(new AdamHyperparameters(AmsGrad: true), []), precision);
        float[]? previous = null;
        for (int step = 0; step < 12; step++)
        {
            parameter.grad = randn(parameter.shape, generator: generator) * (1 + 3 * (step % 4)) * rand(parameter.shape, generator: generator);
            optimizer.step();
            float[] maximum = optimizer.States[0]["v_max"].data<float>().ToArray();
            if (previous is not null)
                for (int i = 0; i < maximum.Length; i++)
                    Assert.True(maximum[i] >= previous[i], $"step {step + 1}, element {i}: v_max fell from {previous[i]:R} to {maximum[i]:R}");
            previous = maximum;
        }
    }
}

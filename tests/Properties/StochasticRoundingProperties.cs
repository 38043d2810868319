using AdaptiveLR.Pure.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// Non-negative slots are rounded stochastically (<see cref="StateCodec"/>): one value coded at many positions and
/// steps lands on one of its two neighbouring codes each time, and the mean of what is decoded is the value, within
/// the statistical bound of that many independent draws; so is the mean over many steps of one value at one position.
/// Rounding to nearest fails this (it always picks one code).
/// </summary>
public class StochasticRoundingProperties
{
    private const int Steps = 4, BlocksPerStep = 4, PerBlock = StateCodec.BlockSize - 1;

    // Draws are two-valued with a variance of at most (step/2)²; 5.5 standard errors of the mean fail by chance
    // with probability below 4·10⁻⁸ per case. The second term covers the float rounding of the quotient and the decode.
    private static double Bound(double codeStep, int draws, double value) => 5.5 * codeStep / 2 / Math.Sqrt(draws) + Math.Abs(value) * 1e-6;

    /// <summary>A block's largest magnitude (1.37 times a power of two, whose power of two is the block's scale), and a quotient of it from 2⁻³⁰ to 1.</summary>
    public static Arbitrary<(float Scale, float Quotient)> ScaledValues() =>
        Gen.Choose(-60, 60).SelectMany(scaleExponent =>
            Gen.Choose(-30, -1).SelectMany(exponent =>
                Gen.Choose(0, 1 << 23).Select(fraction =>
                    (MathF.Pow(2, scaleExponent) * 1.37f, MathF.Pow(2, exponent) * (1 + fraction / (float)(1 << 23))))))
           .ToArbitrary();

    /// <summary>Positive finite floats (normal, so that bfloat16's unit is 2⁻⁷ of the binade).</summary>
    public static Arbitrary<float> Positives() =>
        Gen.Choose(0x00800000, 0x7F000000).Select(BitConverter.Int32BitsToSingle).ToArbitrary();

    [Property(Arbitrary = [typeof(StochasticRoundingProperties)], MaxTest = 100)]
    public void EightBitNonNegativeCodesAreUnbiasedNeighbours((float Scale, float Quotient) sample, int firstSeed)
    {
        float value = sample.Scale * sample.Quotient;
        // Element 0 of every block holds the scale; the rest hold the value.
        var block = Enumerable.Repeat(value, StateCodec.BlockSize).ToArray();
        block[0] = sample.Scale;
        var codes = new byte[StateCodec.BlockSize];
        var decoded = new float[StateCodec.BlockSize];
        var seen = new List<float>();
        for (int step = 1; step <= Steps; step++)
            for (int b = 0; b < BlocksPerStep; b++)
            {
                float scale = StateCodec.EncodeBlock(block, codes, nonNegative: true, new RoundingSeed(step, (firstSeed & 0xFFFFFF) + b * StateCodec.BlockSize));
                Assert.Equal(PowerOfTwoOf(sample.Scale), scale);
                StateCodec.DecodeBlock(codes, scale, decoded, nonNegative: true);
                seen.AddRange(decoded.Skip(1));
            }
        AssertUnbiasedNeighbours(seen, value, PowerOfTwoOf(sample.Scale));
    }

    [Property(Arbitrary = [typeof(StochasticRoundingProperties)], MaxTest = 100)]
    public void BFloat16NonNegativeValuesAreUnbiasedNeighbours(float value, int firstSeed)
    {
        var values = Enumerable.Repeat(value, BlocksPerStep * PerBlock).ToArray();
        var codes = new ushort[values.Length];
        var decoded = new float[values.Length];
        var seen = new List<float>();
        for (int step = 1; step <= Steps; step++)
        {
            StateCodec.EncodeBFloat16(values, codes, nonNegative: true, new RoundingSeed(step, firstSeed & 0xFFFFFF));
            StateCodec.DecodeBFloat16(codes, decoded);
            seen.AddRange(decoded);
        }
        // The bfloat16 code below the value is its float32 bits with the low 16 cut off.
        float below = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(value) & ~0xFFFF);
        AssertUnbiasedNeighbours(seen, value, below, Math.Pow(2, Math.Floor(Math.Log2(value)) - 7));
    }

    // One element at one position over many steps: what keeps a slowly moving sum unbiased is that each element's draws
    // are uniform over the steps (the step's key), not only across the elements of one step.
    private const int StepsAtOnePosition = 1500;

    [Property(Arbitrary = [typeof(StochasticRoundingProperties)], MaxTest = 40)]
    public void BFloat16DrawsAtOnePositionAreUnbiasedOverTheSteps(float value, int position)
    {
        var codes = new ushort[1];
        var decoded = new float[1];
        var seen = new List<float>();
        for (int step = 1; step <= StepsAtOnePosition; step++)
        {
            StateCodec.EncodeBFloat16([value], codes, nonNegative: true, new RoundingSeed(step, position & 0xFFFFFF));
            StateCodec.DecodeBFloat16(codes, decoded);
            seen.Add(decoded[0]);
        }
        float below = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(value) & ~0xFFFF);
        AssertUnbiasedNeighbours(seen, value, below, Math.Pow(2, Math.Floor(Math.Log2(value)) - 7));
    }

    [Property(Arbitrary = [typeof(StochasticRoundingProperties)], MaxTest = 40)]
    public void EightBitDrawsAtOnePositionAreUnbiasedOverTheSteps((float Scale, float Quotient) sample, int position)
    {
        float value = sample.Scale * sample.Quotient;
        // The scale in element 0, the value in element 1: the block starts at a multiple of the block size.
        int first = (position & 0xFFFF) * StateCodec.BlockSize;
        float[] block = [sample.Scale, value];
        var codes = new byte[2];
        var decoded = new float[2];
        var seen = new List<float>();
        for (int step = 1; step <= StepsAtOnePosition; step++)
        {
            float scale = StateCodec.EncodeBlock(block, codes, nonNegative: true, new RoundingSeed(step, first));
            Assert.Equal(PowerOfTwoOf(sample.Scale), scale);
            StateCodec.DecodeBlock(codes, scale, decoded, nonNegative: true);
            seen.Add(decoded[1]);
        }
        AssertUnbiasedNeighbours(seen, value, PowerOfTwoOf(sample.Scale));
    }

    private static float PowerOfTwoOf(float value) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(value) & 0x7F800000);

    // The codes at this quotient: 3 fraction bits within its binade, so the code below it is the quotient
    // truncated to a multiple of 2^(binade − 3).
    private static void AssertUnbiasedNeighbours(List<float> seen, float value, float scale)
    {
        double quotient = (double)value / scale;
        double quotientStep = Math.Pow(2, Math.Floor(Math.Log2(quotient)) - 3);
        AssertUnbiasedNeighbours(seen, value, Math.Floor(quotient / quotientStep) * quotientStep * scale, quotientStep * scale);
    }

    [Fact]
    public void ARepeatedIncrementBelowHalfACodeStepAccruesInExpectation()
    {
        // Adagrad's failure under rounding to nearest: a sum that grows by less than half a unit per step never moves.
        const int Count = 1024, StepsTaken = 200;
        const float Start = 1f, Increment = 1f / 1024;
        var sums = Enumerable.Repeat(Start, Count).ToArray();
        var codes = new ushort[Count];
        for (int step = 1; step <= StepsTaken; step++)
        {
            for (int i = 0; i < Count; i++) sums[i] += Increment;
            StateCodec.EncodeBFloat16(sums, codes, nonNegative: true, new RoundingSeed(step, 0));
            StateCodec.DecodeBFloat16(codes, sums);
        }
        double mean = sums.Average(v => (double)v), expected = Start + StepsTaken * Increment;
        // Each step adds an independent error of at most one unit (2⁻⁷ near 1, 2⁻⁶ above 2), variance ≤ unit²/4.
        double bound = 5.5 * Math.Sqrt(StepsTaken) * Math.Pow(2, -6) / 2 / Math.Sqrt(Count);
        Assert.InRange(mean, expected - bound, expected + bound);
        var nearest = Enumerable.Repeat(Start, Count).ToArray();
        for (int step = 1; step <= StepsTaken; step++)
        {
            for (int i = 0; i < Count; i++) nearest[i] += Increment;
            StateCodec.EncodeBFloat16(nearest, codes, nonNegative: false, new RoundingSeed(step, 0));
            StateCodec.DecodeBFloat16(codes, nearest);
        }
        Assert.All(nearest, v => Assert.Equal(Start, v));
    }

    /// <summary>
    /// Every draw is the code <paramref name="below"/> the value or the one a code step above it (a value just above a
    /// code may show only that code: its chance of rounding up is that small), and their mean is the value.
    /// </summary>
    private static void AssertUnbiasedNeighbours(List<float> seen, float value, double below, double codeStep)
    {
        double above = below + codeStep, slack = Math.Abs(value) * 1e-6;
        Assert.True(below <= value + slack && value < above + slack, $"{value:R} is not between its codes {below:R} and {above:R}");
        foreach (float code in seen.Distinct())
            Assert.True(Math.Abs(code - below) <= slack || Math.Abs(code - above) <= slack,
                        $"{value:R} decoded as {code:R}, neither of its neighbouring codes {below:R} and {above:R}");
        double mean = seen.Average(v => (double)v), bound = Bound(codeStep, seen.Count, value);
        Assert.True(Math.Abs(mean - value) <= bound, $"mean {mean:R} of {seen.Count} draws for {value:R}: off by {mean - value:R}, bound {bound:R}");
    }
}

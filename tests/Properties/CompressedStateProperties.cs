using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;
using AdaptiveLR.Torch;
using FsCheck;
using FsCheck.Fluent;
using AdaptiveLR.Pure.Transforms;
using FsCheck.Xunit;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>
/// Compressed optimizer state: the codec's error bound per block, and the adapter on bfloat16 and 8-bit state
/// against an independent simulation — a float32 optimizer whose state is encoded and decoded after every step.
/// </summary>
public class CompressedStateProperties
{
    public static Arbitrary<float[]> Blocks() =>
        Gen.Choose(1, StateCodec.BlockSize).SelectMany(length =>
            Gen.Choose(-40, 10).SelectMany(exponent =>
                Gen.ArrayOf(Gen.Choose(-1_000_000, 1_000_000).Select(v => v / 1e6f * MathF.Pow(2, exponent)), length)
                   .SelectMany(values => Gen.Choose(0, length - 1).Select(spread =>
                       // Spread some values over many orders of magnitude within the block.
                       values.Select((v, i) => i < spread ? v * MathF.Pow(2, -(i % 40)) : v).ToArray()))))
           .ToArbitrary();

    [Property(Arbitrary = [typeof(CompressedStateProperties)], MaxTest = 300)]
    public void EightBitBlocksStayWithinTheStatedBound(float[] values, bool nonNegative, long step, int first, byte previous)
    {
        if (nonNegative) values = [.. values.Select(MathF.Abs)];
        var codes = new byte[values.Length];
        float largest = values.Max(MathF.Abs);
        // The block's scale before this step: none, or from ½ to 3 times its largest magnitude now, which it keeps where it can.
        float previousScale = previous == 0 ? 0 : largest * (0.5f + previous / 100f);
        float scale = StateCodec.EncodeBlock(values, codes, nonNegative, StateCodec.RoundingOf(nonNegative), new RoundingSeed(step, first), previousScale);
        var decoded = new float[values.Length];
        StateCodec.DecodeBlock(codes, scale, decoded, nonNegative);
        // A power of two from half the largest magnitude to twice it (a fresh one at most 2⁻³ above it); kept if that holds of the previous one.
        Assert.Equal(0, BitConverter.SingleToInt32Bits(scale) & 0x7FFFFF);
        if (largest > 0)
        {
            Assert.True(largest < 2 * scale && scale <= 2 * largest, $"scale {scale:R} for largest {largest:R}");
            float previousPower = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(previousScale) & 0x7F800000);
            bool keepable = largest >= previousPower / 2 && largest < previousPower * (2 - 1f / 8);
            if (keepable) Assert.Equal(previousPower, scale);
            else Assert.True(scale <= largest * (1 + 1f / 8), $"fresh scale {scale:R} for largest {largest:R}");
        }
        // Signed: half a code step (nearest); non-negative: under one step (stochastic rounding picks either neighbour).
        double floor = scale * Math.Pow(2, nonNegative ? -30 : -14), relative = Math.Pow(2, nonNegative ? -3 : -4);
        for (int i = 0; i < values.Length; i++)
        {
            double bound = Math.Max(relative * Math.Abs(values[i]), floor) * (1 + 1e-6);
            Assert.True(Math.Abs(decoded[i] - values[i]) <= bound, $"element {i} of {values.Length}: {values[i]:R} decoded as {decoded[i]:R}, bound {bound:R}");
            if (nonNegative) Assert.True(decoded[i] >= 0);
            else Assert.True(decoded[i] == 0 || Math.Sign(decoded[i]) == Math.Sign(values[i]));
        }
    }

    [Property(Arbitrary = [typeof(CompressedStateProperties)], MaxTest = 200)]
    public void BFloat16StaysWithinHalfAUnitSignedAndOneUnitNonNegative(float[] values, bool nonNegative, long step, int first)
    {
        if (nonNegative) values = [.. values.Select(MathF.Abs)];
        var codes = new ushort[values.Length];
        StateCodec.EncodeBFloat16(values, codes, nonNegative, new RoundingSeed(step, first));
        var decoded = new float[values.Length];
        StateCodec.DecodeBFloat16(codes, decoded);
        for (int i = 0; i < values.Length; i++)
        {
            double error = Math.Abs(decoded[i] - values[i]), unit = Math.Pow(2, -7) * Math.Abs(values[i]);
            Assert.True(nonNegative ? error < unit || error <= float.Epsilon : error <= unit / 2 + float.Epsilon, $"{values[i]:R} → {decoded[i]:R}");
        }
    }

    [Theory]
    [InlineData("adam", StatePrecision.Int8)]
    [InlineData("adamw", StatePrecision.Int8)]
    [InlineData("amsgrad", StatePrecision.Int8)]
    [InlineData("lion", StatePrecision.Int8)]
    [InlineData("rmsprop", StatePrecision.Int8)]
    [InlineData("adagrad", StatePrecision.Int8)]
    [InlineData("adam", StatePrecision.BFloat16)]
    [InlineData("amsgrad", StatePrecision.BFloat16)]
    [InlineData("adagrad", StatePrecision.BFloat16)]
    [InlineData("rmsprop", StatePrecision.BFloat16)]
    public void CompressedStepsEqualAFloatOptimizerWhoseStateIsRoundTrippedEveryStep(string algorithm, StatePrecision precision)
    {
        var h = Pure.OptimizerRegistry.Find(algorithm)!.Defaults;
        if (h is RmsPropHyperparameters rms) h = rms with { Momentum = 0.9, Centered = true };
        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(11);
        // Two tensors, one not a multiple of the block or chunk size; together large enough for the cores to share the step.
        long[][] shapes = [[40 * CompressedStep.Chunk + 77], [40, 13]];
        var compressed = shapes.Select(s => new Parameter(randn(s, generator: generator))).ToList();
        var simulated = compressed.Select(p => new Parameter(p.detach().clone())).ToList();
        using var ours = new AdaptiveOptimizer(compressed.Select((p, i) => ($"p{i}", p)), new OptimizerChain(h, []), precision) { ShareCoresFrom = 4096 };
        using var simulation = new AdaptiveOptimizer(simulated.Select((p, i) => ($"p{i}", p)), new OptimizerChain(h, []), StatePrecision.Float32);
        // Gradients that grow and shrink, so that some blocks keep their scale while their values fall below it and others take a fresh one.
        float[] sizes = [1, 4, 1, 0.5f, 2, 0.25f];
        var scales = new Dictionary<(int, string), float[]>();
        for (int step = 0; step < sizes.Length; step++)
        {
            for (int i = 0; i < shapes.Length; i++)
            {
                var gradient = randn(shapes[i], generator: generator) * sizes[step];
                compressed[i].grad = gradient.clone();
                simulated[i].grad = gradient.clone();
            }
            ours.step();
            simulation.step();
            for (int i = 0; i < shapes.Length; i++)
            {
                Assert.Equal(simulated[i].data<float>().ToArray(), compressed[i].data<float>().ToArray());
                foreach (var slot in h.Slots.OfType<StateSlot>())
                {
                    var state = simulation.States[i][slot.Name];
                    var values = state.data<float>().ToArray();
                    if (!scales.TryGetValue((i, slot.Name), out var blockScales)) scales[(i, slot.Name)] = blockScales = new float[StateCodec.Blocks(values.Length)];
                    var roundTripped = RoundTrip(values, precision, slot, new RoundingSeed(step + 1, 0), blockScales);
                    using (no_grad()) state.copy_(tensor(roundTripped).reshape(state.shape));
                    Assert.Equal(roundTripped, ours.States[i][slot.Name].data<float>().ToArray());
                }
            }
        }
    }

    [Theory]
    [InlineData(StatePrecision.Int8, 2 * (1 + 4.0 / StateCodec.BlockSize))]
    [InlineData(StatePrecision.BFloat16, 4.0)]
    [InlineData(StatePrecision.Float32, 8.0)]
    public void AdamKeepsTheStatedBytesPerParameter(StatePrecision precision, double expected)
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(zeros(StateCodec.BlockSize * 40));
        using var optimizer = new AdaptiveOptimizer([("w", p)], new OptimizerChain(new AdamHyperparameters(), []), precision);
        Assert.Equal(expected, optimizer.StateBytesPerParameter(), 1e-9);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CheckpointsRoundTripExactlyAndRefuseAnotherPrecision(bool amsGrad)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator().manual_seed(5);
        var start = randn([1000], generator: generator);
        var (a, b) = (new Parameter(start.clone()), new Parameter(start.clone()));
        var chain = new OptimizerChain(new AdamHyperparameters(AmsGrad: amsGrad), []);
        using var first = new AdaptiveOptimizer([("w", a)], chain, StatePrecision.Int8);
        using var second = new AdaptiveOptimizer([("w", b)], chain, StatePrecision.Int8);
        using var other = new AdaptiveOptimizer([("w", new Parameter(start.clone()))], chain, StatePrecision.BFloat16);
        var gradients = Enumerable.Range(0, 4).Select(_ => randn([1000], generator: generator)).ToList();
        for (int step = 0; step < 2; step++) { a.grad = gradients[step].clone(); first.step(); }
        var saved = new MemoryStream();
        first.save_state_dict(new BinaryWriter(saved));
        byte[] bytes = saved.ToArray();
        second.load_state_dict(new BinaryReader(new MemoryStream(bytes)));
        var error = Assert.Throws<InvalidDataException>(() => other.load_state_dict(new BinaryReader(new MemoryStream(bytes))));
        Assert.Contains("state-precision", error.Message);
        using (no_grad()) b.copy_(a);
        for (int step = 2; step < 4; step++)
        {
            a.grad = gradients[step].clone();
            b.grad = gradients[step].clone();
            first.step();
            second.step();
        }
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        var again = new MemoryStream();
        second.save_state_dict(new BinaryWriter(again));
        var firstAgain = new MemoryStream();
        first.save_state_dict(new BinaryWriter(firstAgain));
        Assert.Equal(firstAgain.ToArray(), again.ToArray());
    }

    [Fact]
    public void AlgorithmsWithoutElementRulesRefuseCompressedState()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() =>
            new AdaptiveOptimizer([("w", new Parameter(zeros(4, 4)))], new OptimizerChain(new AdafactorHyperparameters(), []), StatePrecision.Int8));
        Assert.Contains("float32 state only", error.Message);
        var dtype = Assert.Throws<ArgumentException>(() =>
            new AdaptiveOptimizer([("w", new Parameter(zeros(4, dtype: float64)))], new OptimizerChain(new AdamHyperparameters(), []), StatePrecision.BFloat16));
        Assert.Contains("dense float32 CPU", dtype.Message);
    }

    /// <summary>
    /// What a step's encoding should leave of a slot's float32 values: <paramref name="seed"/> is the step and index 0 (the tensor's start);
    /// <paramref name="scales"/> the 8-bit blocks' scales, before the step and after it.
    /// </summary>
    private static float[] RoundTrip(float[] values, StatePrecision precision, StateSlot slot, RoundingSeed seed, float[] scales)
    {
        var result = new float[values.Length];
        if (precision == StatePrecision.BFloat16)
        {
            var codes = new ushort[values.Length];
            StateCodec.EncodeBFloat16(values, codes, slot.Rounding, seed);
            StateCodec.DecodeBFloat16(codes, result);
            return result;
        }
        for (int start = 0; start < values.Length; start += StateCodec.BlockSize)
        {
            int n = Math.Min(StateCodec.BlockSize, values.Length - start);
            var codes = new byte[n];
            ref float scale = ref scales[start / StateCodec.BlockSize];
            scale = StateCodec.EncodeBlock(values.AsSpan(start, n), codes, slot.NonNegative, slot.Rounding, seed with { First = start }, scale);
            StateCodec.DecodeBlock(codes, scale, result.AsSpan(start, n), slot.NonNegative);
        }
        return result;
    }
}

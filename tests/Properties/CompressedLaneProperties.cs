using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// The compressed step on every lane width (<see cref="CompressedStep.Apply{TLane}"/>: whole blocks in registers, the
/// partial block through the float kernel and the bulk codec) leaves the same parameter bits, the same codes and the same
/// scales as on single floats, step after step: a machine with AVX-512, AVX2 or only SSE/NEON trains alike and writes
/// the same checkpoints. Each width is called by type, not picked by the hardware, so all of them are tested on any machine.
/// </summary>
public unsafe class CompressedLaneProperties
{
    public sealed record Case(string Algorithm, StatePrecision Precision, float[] Parameters, float[][] Gradients, float[][] State, int First, long Step)
    {
        public override string ToString() =>
            $"{Algorithm} {Precision}, {Parameters.Length} elements from index {First}, steps {Step}..{Step + Gradients.Length - 1}";
    }

    private static readonly string[] Algorithms = ["adam", "adamw", "amsgrad", "lion", "rmsprop", "adagrad"];

    // Whole blocks and a partial one whose length is rarely a multiple of any lane width.
    public static Arbitrary<Case> Cases() =>
        (from algorithm in Gen.Elements(Algorithms)
         from precision in Gen.Elements(StatePrecision.BFloat16, StatePrecision.Int8)
         from length in Gen.Choose(1, 3 * StateCodec.BlockSize + 37)
         from parameters in CodecLaneProperties.Floats(length)
         from steps in Gen.Choose(1, 3)
         from gradients in Gen.ArrayOf(CodecLaneProperties.Floats(length), steps)
         from state in Gen.ArrayOf(CodecLaneProperties.Floats(length), 3)
         from first in Gen.Choose(0, 1000)
         from step in Gen.Choose(1, 1_000_000)
         select new Case(algorithm, precision, parameters, gradients, state, first * StateCodec.BlockSize, step)).ToArbitrary();

    [Property(Arbitrary = [typeof(CompressedLaneProperties)], MaxTest = 150)]
    public void EveryLaneWidthStepsCompressedStateAlike(Case scenario)
    {
        var expected = Run<FloatLane>(scenario);
        AssertSame(expected, Run<Float128Lane>(scenario), scenario, "128-bit");
        AssertSame(expected, Run<Float256Lane>(scenario), scenario, "256-bit");
        if (Vector512.IsHardwareAccelerated) AssertSame(expected, Run<Float512Lane>(scenario), scenario, "512-bit");
    }

    /// <summary>
    /// A step on 8-bit state is its state decoded, a float step, and the state coded again, each block on its scale before the step where it keeps
    /// it: also from scales that are not powers of two (an older checkpoint's), which the fused loop does not decode in registers but steps apart.
    /// </summary>
    [Property(Arbitrary = [typeof(CompressedLaneProperties)], MaxTest = 100)]
    public void AnEightBitStepIsItsStateDecodedSteppedAndCodedAgain(Case scenario, bool olderScales)
    {
        var h = OptimizerRegistry.Find(scenario.Algorithm)!.Defaults;
        int length = scenario.Parameters.Length;
        float[] parameters = [.. scenario.Parameters], expected = [.. scenario.Parameters];
        var memory = new List<Memory>();
        try
        {
            var slots = Slots(h, scenario, StatePrecision.Int8, memory);
            if (olderScales) memory.ForEach(m => m.ScaleBy(1.37f));
            var floats = slots.Select(slot => slot.Values == IntPtr.Zero ? [] : new float[length]).ToArray();
            var fresh = new float[length];
            for (int s = 0; s < scenario.Gradients.Length; s++)
            {
                var context = h.ContextFor(scenario.Step + s);
                for (int k = 0; k < 3; k++) if (floats[k].Length > 0) CompressedStep.Decode(slots[k], 0, length, floats[k]);
                FusedStep.Apply(h, context, expected, scenario.Gradients[s], floats[0], floats[1], floats[2]);
                var before = memory.Select(m => m.Scales()).ToList();
                fixed (float* p = parameters, g = scenario.Gradients[s])
                    CompressedStep.Apply(h, context, p, g, length, scenario.First, slots[0], slots[1], slots[2]);
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), parameters.Select(BitConverter.SingleToInt32Bits));
                for (int k = 0, used = 0; k < 3; k++)
                {
                    if (floats[k].Length == 0) continue;
                    var slot = h.Slots[k]!;
                    for (int start = 0; start < length; start += StateCodec.BlockSize)
                    {
                        int n = Math.Min(StateCodec.BlockSize, length - start);
                        var codes = new byte[n];
                        float previous = BitConverter.Int32BitsToSingle(before[used][start / StateCodec.BlockSize]);
                        float scale = StateCodec.EncodeBlock(floats[k].AsSpan(start, n), codes, slot.NonNegative, slot.Rounding,
                                                             new RoundingSeed(scenario.Step + s, scenario.First + start), previous);
                        StateCodec.DecodeBlock(codes, scale, fresh.AsSpan(start, n), slot.NonNegative);
                    }
                    CompressedStep.Decode(slots[k], 0, length, floats[k]);
                    Assert.Equal(fresh.Select(BitConverter.SingleToInt32Bits), floats[k].Select(BitConverter.SingleToInt32Bits));
                    used++;
                }
            }
        }
        finally
        {
            foreach (var m in memory) m.Dispose();
        }
    }

    /// <summary>The parameters' bits and each slot's codes and scales' bits after every step on <typeparamref name="TLane"/>.</summary>
    private static List<Snapshot> Run<TLane>(Case scenario) where TLane : struct, ICodecLane<TLane>
    {
        var h = OptimizerRegistry.Find(scenario.Algorithm)!.Defaults;
        if (h is RmsPropHyperparameters rms) h = rms with { Momentum = 0.9, Centered = true };
        int length = scenario.Parameters.Length;
        float[] parameters = [.. scenario.Parameters];
        var memory = new List<Memory>();
        try
        {
            var slots = Slots(h, scenario, scenario.Precision, memory);
            var trajectory = new List<Snapshot>();
            for (int s = 0; s < scenario.Gradients.Length; s++)
            {
                fixed (float* p = parameters, g = scenario.Gradients[s])
                    CompressedStep.Apply<TLane>(h, h.ContextFor(scenario.Step + s), p, g, length, scenario.First, slots[0], slots[1], slots[2]);
                trajectory.Add(new([.. parameters.Select(BitConverter.SingleToInt32Bits)], [.. memory.Select(m => m.Codes())], [.. memory.Select(m => m.Scales())]));
            }
            return trajectory;
        }
        finally
        {
            foreach (var m in memory) m.Dispose();
        }
    }

    /// <summary>The algorithm's slots at <paramref name="precision"/> in new <paramref name="memory"/>, holding the scenario's state (the step before its first).</summary>
    private static SlotStorage[] Slots(Hyperparameters h, Case scenario, StatePrecision precision, List<Memory> memory)
    {
        int length = scenario.Parameters.Length;
        var slots = new SlotStorage[3];
        for (int k = 0; k < 3; k++)
        {
            if (h.Slots[k] is not { } slot) continue;
            var m = new Memory(precision, length, slot.NonNegative, slot.Rounding);
            memory.Add(m);
            slots[k] = m.Storage;
            var initial = slot.NonNegative ? [.. scenario.State[k].Select(MathF.Abs)] : scenario.State[k];
            CompressedStep.Encode(slots[k], 0, length, initial, new RoundingSeed(scenario.Step - 1, scenario.First));
        }
        return slots;
    }

    private sealed record Snapshot(int[] Parameters, int[][] Codes, int[][] Scales);

    /// <summary>
    /// Bit for bit, except that a NaN equals any NaN: which NaN an operation on two NaNs or an invalid one returns is the
    /// instruction's, not ours (x86 keeps the first operand's and makes negative ones, ARM positive ones, and the JIT may order a
    /// commutative operation's operands differently on a scalar and a vector), so a NaN's sign and payload differ between lanes
    /// where NaN meets NaN. A block whose scale is NaN decodes to NaN whatever its codes.
    /// </summary>
    private static void AssertSame(List<Snapshot> expected, List<Snapshot> actual, Case scenario, string width)
    {
        bool bfloat16 = scenario.Precision == StatePrecision.BFloat16;
        for (int step = 0; step < expected.Count; step++)
        {
            var (e, a) = (expected[step], actual[step]);
            for (int i = 0; i < e.Parameters.Length; i++)
                Assert.True(SameFloat(e.Parameters[i], a.Parameters[i]),
                    $"{width}, step {step + 1}: parameter {i} is {Describe(a.Parameters[i])}, single floats give {Describe(e.Parameters[i])}");
            for (int k = 0; k < e.Codes.Length; k++)
            {
                for (int block = 0; block < e.Scales[k].Length; block++)
                    Assert.True(SameFloat(e.Scales[k][block], a.Scales[k][block]), $"{width}, step {step + 1}: slot {k}'s scale {block} differs");
                for (int i = 0; i < e.Codes[k].Length; i++)
                {
                    bool same = bfloat16 ? SameFloat(e.Codes[k][i] << 16, a.Codes[k][i] << 16)
                                         : e.Codes[k][i] == a.Codes[k][i] || IsNaN(e.Scales[k][i / StateCodec.BlockSize]);
                    Assert.True(same, $"{width}, step {step + 1}: slot {k}'s code {i} is {a.Codes[k][i]:X}, single floats give {e.Codes[k][i]:X}");
                }
            }
        }
    }

    private static bool IsNaN(int bits) => float.IsNaN(BitConverter.Int32BitsToSingle(bits));

    private static bool SameFloat(int expected, int actual) => expected == actual || (IsNaN(expected) && IsNaN(actual));

    private static string Describe(int bits) => $"{BitConverter.Int32BitsToSingle(bits):R} ({bits:X8})";

    /// <summary>One slot's native memory as the adapter lays it out: codes, and for 8-bit codes a float scale per block.</summary>
    private sealed class Memory : IDisposable
    {
        private readonly int valueBytes, scaleBytes;
        private readonly byte* values, scales;

        public Memory(StatePrecision precision, int length, bool nonNegative, StateRounding rounding)
        {
            valueBytes = length * (precision == StatePrecision.BFloat16 ? 2 : 1);
            scaleBytes = precision == StatePrecision.Int8 ? 4 * StateCodec.Blocks(length) : 0;
            values = (byte*)NativeMemory.AllocZeroed((nuint)valueBytes);
            scales = scaleBytes == 0 ? null : (byte*)NativeMemory.AllocZeroed((nuint)scaleBytes);
            Storage = new SlotStorage((IntPtr)values, (IntPtr)scales, precision, nonNegative) { Rounding = rounding };
        }

        public SlotStorage Storage { get; }

        public int[] Codes() => valueBytes == 0 ? [] : Storage.Precision == StatePrecision.BFloat16
            ? [.. new ReadOnlySpan<ushort>(values, valueBytes / 2).ToArray().Select(code => (int)code)]
            : [.. new ReadOnlySpan<byte>(values, valueBytes).ToArray().Select(code => (int)code)];

        public int[] Scales() => new ReadOnlySpan<int>(scales, scaleBytes / 4).ToArray();

        /// <summary>Multiplies every block's scale by <paramref name="factor"/>: the same codes on scales that are not powers of two.</summary>
        public void ScaleBy(float factor)
        {
            foreach (ref float scale in new Span<float>(scales, scaleBytes / 4)) scale *= factor;
        }

        public void Dispose()
        {
            NativeMemory.Free(values);
            NativeMemory.Free(scales);
        }
    }
}

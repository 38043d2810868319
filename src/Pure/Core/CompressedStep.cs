using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>How an optimizer keeps its state slots: float32, bfloat16, or 8-bit block-wise codes (<see cref="StateCodec"/>).</summary>
public enum StatePrecision
{
    /// <summary>4 bytes per value: the state as torch.optim keeps it.</summary>
    Float32,

    /// <summary>2 bytes per value: signed slots rounded to nearest even, non-negative ones stochastically (<see cref="StateCodec"/>).</summary>
    BFloat16,

    /// <summary>1 byte per value plus a float scale per block of <see cref="StateCodec.BlockSize"/> values.</summary>
    Int8,
}

/// <summary>
/// One state slot's memory at its precision: floats, bfloat16 codes, or 8-bit codes with a float scale per
/// block; <see cref="NonNegative"/> chooses the 8-bit map without a sign, <see cref="Rounding"/> how values are
/// rounded to codes (by default stochastically if non-negative, else to nearest). Zero <see cref="Values"/>: the slot is unused.
/// </summary>
public readonly record struct SlotStorage(IntPtr Values, IntPtr Scales, StatePrecision Precision, bool NonNegative)
{
    /// <summary>How the slot's values are rounded to their codes.</summary>
    public StateRounding Rounding { get; init; } = StateCodec.RoundingOf(NonNegative);

    /// <summary>An unused slot.</summary>
    public static SlotStorage None => default;

    /// <summary>The same slot from element <paramref name="start"/> on (a multiple of the block size).</summary>
    public SlotStorage From(int start)
    {
        if (Values == IntPtr.Zero || start == 0) return this;
        if (start % StateCodec.BlockSize != 0) throw new ArgumentException($"a slot is entered at a block boundary, not at {start}", nameof(start));
        int width = Precision switch { StatePrecision.Float32 => 4, StatePrecision.BFloat16 => 2, _ => 1 };
        return this with
        {
            Values = Values + (nint)start * width,
            Scales = Scales == IntPtr.Zero ? IntPtr.Zero : Scales + (nint)(start / StateCodec.BlockSize) * 4,
        };
    }
}

/// <summary>
/// One step of an element-wise algorithm whose state is compressed. Whole blocks run through
/// <see cref="CompressedLoop{TRule, TLane, TFormat0, TFormat1, TFormat2}"/>, which converts each slot in registers as the
/// fused kernel loads and stores it; the last, partial block of a tensor is decoded into float scratch, stepped by the
/// fused kernel and encoded again. Each slot is read once and written once at its own width, so the step moves fewer
/// bytes than on float32 state.
/// </summary>
public static unsafe class CompressedStep
{
    /// <summary>
    /// Elements per chunk: the granularity at which the cores share a compressed step (<c>KernelJob</c> starts every
    /// compressed tensor at a multiple of it, so each core enters a tensor at a block boundary).
    /// </summary>
    public const int Chunk = 8 * StateCodec.BlockSize;

    /// <summary>
    /// One step over <paramref name="length"/> elements of float32 parameters and gradients, in place: elements
    /// <paramref name="first"/> on of their tensor (the index seeds the stochastic rounding, <see cref="RoundingSeed"/>).
    /// </summary>
    public static void Apply(Hyperparameters hyperparameters, StepContext context, float* parameters, float* gradients, int length, int first,
                             SlotStorage slot0, SlotStorage slot1, SlotStorage slot2)
    {
        if (Vector512.IsHardwareAccelerated) Apply<Float512Lane>(hyperparameters, context, parameters, gradients, length, first, slot0, slot1, slot2);
        else if (Vector256.IsHardwareAccelerated) Apply<Float256Lane>(hyperparameters, context, parameters, gradients, length, first, slot0, slot1, slot2);
        else if (Vector128.IsHardwareAccelerated) Apply<Float128Lane>(hyperparameters, context, parameters, gradients, length, first, slot0, slot1, slot2);
        else Apply<FloatLane>(hyperparameters, context, parameters, gradients, length, first, slot0, slot1, slot2);
    }

    /// <summary>The same step with every conversion and every whole lane on <typeparamref name="TLane"/>; tests run every width through it.</summary>
    internal static void Apply<TLane>(Hyperparameters hyperparameters, StepContext context, float* parameters, float* gradients, int length, int first,
                                      SlotStorage slot0, SlotStorage slot1, SlotStorage slot2)
        where TLane : struct, ICodecLane<TLane>
    {
        if (hyperparameters is TensorHyperparameters or StagedHyperparameters)
            throw new NotSupportedException($"{hyperparameters.Algorithm} keeps its state in float32 only; compressed state is for element-wise algorithms");
        var visitor = new BlockVisitor<TLane>(parameters, gradients, length, new RoundingSeed(context.Step, first), slot0, slot1, slot2);
        hyperparameters.VisitRule<BlockVisitor<TLane>, bool>(context, ref visitor);
    }

    /// <summary>Decodes <paramref name="length"/> values of a slot from element <paramref name="start"/> (a multiple of the block size).</summary>
    public static void Decode(SlotStorage slot, int start, int length, Span<float> destination)
    {
        if (destination.Length < length) throw new ArgumentException("fewer values than codes", nameof(destination));
        if (Vector512.IsHardwareAccelerated) Decode<Float512Lane>(slot, start, length, destination);
        else if (Vector256.IsHardwareAccelerated) Decode<Float256Lane>(slot, start, length, destination);
        else if (Vector128.IsHardwareAccelerated) Decode<Float128Lane>(slot, start, length, destination);
        else Decode<FloatLane>(slot, start, length, destination);
    }

    /// <summary>
    /// Encodes <paramref name="length"/> values into a slot from element <paramref name="start"/> (a multiple of the block size);
    /// <paramref name="seed"/> is the step and the tensor index of <paramref name="source"/>'s first value. An 8-bit block keeps its
    /// scale where it can, as a step does (<see cref="StateCodec.EncodeBlock(ReadOnlySpan{float}, Span{byte}, bool, StateRounding, RoundingSeed, float)"/>).
    /// </summary>
    public static void Encode(SlotStorage slot, int start, int length, ReadOnlySpan<float> source, RoundingSeed seed)
    {
        if (source.Length < length) throw new ArgumentException("fewer values than codes", nameof(source));
        if (Vector512.IsHardwareAccelerated) Encode<Float512Lane>(slot, start, length, source, seed);
        else if (Vector256.IsHardwareAccelerated) Encode<Float256Lane>(slot, start, length, source, seed);
        else if (Vector128.IsHardwareAccelerated) Encode<Float128Lane>(slot, start, length, source, seed);
        else Encode<FloatLane>(slot, start, length, source, seed);
    }

    private static void Decode<TLane>(SlotStorage slot, int start, int length, Span<float> destination) where TLane : struct, ICodecLane<TLane>
    {
        ref float values = ref MemoryMarshal.GetReference(destination);
        switch (slot.Precision)
        {
            case StatePrecision.Float32:
                new ReadOnlySpan<float>((float*)slot.Values + start, length).CopyTo(destination);
                break;
            case StatePrecision.BFloat16:
                StateCodec.DecodeBFloat16<TLane>(ref *((ushort*)slot.Values + start), ref values, (nuint)length);
                break;
            default:
                for (int offset = 0; offset < length; offset += StateCodec.BlockSize)
                {
                    int n = Math.Min(StateCodec.BlockSize, length - offset);
                    StateCodec.DecodeBlock<TLane>(ref *((byte*)slot.Values + start + offset), ref Unsafe.Add(ref values, offset), (nuint)n,
                                                  ((float*)slot.Scales)[(start + offset) / StateCodec.BlockSize], slot.NonNegative);
                }
                break;
        }
    }

    private static void Encode<TLane>(SlotStorage slot, int start, int length, ReadOnlySpan<float> source, RoundingSeed seed) where TLane : struct, ICodecLane<TLane>
    {
        ref float values = ref MemoryMarshal.GetReference(source);
        switch (slot.Precision)
        {
            case StatePrecision.Float32:
                source[..length].CopyTo(new Span<float>((float*)slot.Values + start, length));
                break;
            case StatePrecision.BFloat16:
                StateCodec.EncodeBFloat16<TLane>(ref values, ref *((ushort*)slot.Values + start), (nuint)length, slot.Rounding, seed);
                break;
            default:
                for (int offset = 0; offset < length; offset += StateCodec.BlockSize)
                {
                    int n = Math.Min(StateCodec.BlockSize, length - offset);
                    ref float scale = ref ((float*)slot.Scales)[(start + offset) / StateCodec.BlockSize];
                    scale = StateCodec.EncodeBlock<TLane>(ref Unsafe.Add(ref values, offset), ref *((byte*)slot.Values + start + offset), (nuint)n,
                                                          slot.NonNegative, slot.Rounding, seed.Plus(offset), previousScale: scale);
                }
                break;
        }
    }

    private readonly struct BlockVisitor<TLane>(float* parameters, float* gradients, int length, RoundingSeed seed, SlotStorage slot0, SlotStorage slot1, SlotStorage slot2)
        : IRuleVisitor<bool> where TLane : struct, ICodecLane<TLane>
    {
        // Fields rather than captured parameters: the format choices below read them from their copy of the visitor.
        private readonly float* parameters = parameters, gradients = gradients;
        private readonly int length = length;
        private readonly RoundingSeed seed = seed;
        private readonly SlotStorage slot0 = slot0, slot1 = slot1, slot2 = slot2;

        public bool Visit<TRule>(in TRule rule) where TRule : struct, IElementRule
        {
            int whole = length / StateCodec.BlockSize * StateCodec.BlockSize;
            if (whole > 0) WithFormat0(rule, (nuint)(whole / StateCodec.BlockSize));
            if (whole < length) Rest(rule, whole, length - whole);
            return true;
        }

        // One generic argument per slot's format, chosen slot by slot (SlotFormats.Choose), each choice continuing with the next slot.
        private void WithFormat0<TRule>(in TRule rule, nuint blocks) where TRule : struct, IElementRule
        {
            var next = new AfterFormat0<TRule>(this, rule, blocks);
            SlotFormats.Choose(slot0, ref next);
        }

        private readonly struct AfterFormat0<TRule>(BlockVisitor<TLane> step, TRule rule, nuint blocks) : IFormatChoice
            where TRule : struct, IElementRule
        {
            public void With<T0>() where T0 : struct, ISlotFormat
            {
                var next = new AfterFormat1<TRule, T0>(step, rule, blocks);
                SlotFormats.Choose(step.slot1, ref next);
            }
        }

        private readonly struct AfterFormat1<TRule, T0>(BlockVisitor<TLane> step, TRule rule, nuint blocks) : IFormatChoice
            where TRule : struct, IElementRule where T0 : struct, ISlotFormat
        {
            public void With<T1>() where T1 : struct, ISlotFormat
            {
                var next = new AfterFormat2<TRule, T0, T1>(step, rule, blocks);
                SlotFormats.Choose(step.slot2, ref next);
            }
        }

        private readonly struct AfterFormat2<TRule, T0, T1>(BlockVisitor<TLane> step, TRule rule, nuint blocks) : IFormatChoice
            where TRule : struct, IElementRule where T0 : struct, ISlotFormat where T1 : struct, ISlotFormat
        {
            public void With<T2>() where T2 : struct, ISlotFormat
            {
                var apart = new Apart<TRule>(step, rule);
                CompressedLoop<TRule, TLane, T0, T1, T2>.Steps(rule, step.parameters, step.gradients, step.slot0, step.slot1, step.slot2, blocks, step.seed.First, step.seed.Key, ref apart);
            }
        }

        private readonly struct Apart<TRule>(BlockVisitor<TLane> step, TRule rule) : IBlockApart where TRule : struct, IElementRule
        {
            public void Step(int start) => step.Rest(rule, start, StateCodec.BlockSize);
        }

        /// <summary>
        /// The last, partial block, or a whole one the compressed loop does not decode (<see cref="IBlockApart"/>): decoded into float
        /// scratch, stepped by the fused kernel, encoded again.
        /// </summary>
        [SkipLocalsInit]
        private void Rest<TRule>(in TRule rule, int start, int n) where TRule : struct, IElementRule
        {
            float* scratch = stackalloc float[3 * StateCodec.BlockSize];
            var s0 = Window(slot0, scratch, start, n);
            var s1 = Window(slot1, scratch + StateCodec.BlockSize, start, n);
            var s2 = Window(slot2, scratch + 2 * StateCodec.BlockSize, start, n);
            FusedKernel.ApplyWith<TRule, TLane>(rule, new Span<float>(parameters + start, n), new ReadOnlySpan<float>(gradients + start, n), s0, s1, s2);
            var rest = seed.Plus(start);
            Store(slot0, s0, start, n, rest);
            Store(slot1, s1, start, n, rest);
            Store(slot2, s2, start, n, rest);
        }

        /// <summary>The float values of a chunk of a slot: its own memory for float32 slots, decoded scratch otherwise.</summary>
        private static Span<float> Window(SlotStorage slot, float* scratch, int start, int n)
        {
            if (slot.Values == IntPtr.Zero) return [];
            if (slot.Precision == StatePrecision.Float32) return new Span<float>((float*)slot.Values + start, n);
            var window = new Span<float>(scratch, n);
            Decode<TLane>(slot, start, n, window);
            return window;
        }

        private static void Store(SlotStorage slot, Span<float> window, int start, int n, RoundingSeed seed)
        {
            if (slot.Values != IntPtr.Zero && slot.Precision != StatePrecision.Float32) Encode<TLane>(slot, start, n, window, seed);
        }
    }
}

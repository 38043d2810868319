using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// The element pass honours a rule's <see cref="ISlotRule.SlotsRead"/>, <see cref="ISlotRule.SlotsWritten"/> and
/// <see cref="ISlotRule.ReadsGradient"/> on every loop (dense up to six slots, general above, SIMD body and scalar tail), as an
/// independent run predicts: the same rule with every mask open, on memory where the unread slots (and an unread gradient)
/// were zeroed, gives the parameters and the written slots to the bit; the unwritten slots keep their bits.
/// </summary>
public class SlotKernelMaskProperties
{
    [Property(MaxTest = 200)]
    public unsafe void MaskedPassEqualsTheOpenRuleOnZeroedInputsAndUnwrittenSlotsKeepTheirBits(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        int slotCount = random.Next(1, 9), length = random.Next(0, 300), masks = random.Next(0, 3);
        bool[] present = PinnedSlots.Present(random, slotCount);
        float[] parameters = PinnedSlots.Values(random, length), gradients = PinnedSlots.Values(random, length);
        float[][] slots = PinnedSlots.Slots(random, slotCount, length);
        var (read, written, readsGradient) = masks switch
        {
            0 => Masks<SomeReadOthersWritten>(),
            1 => Masks<ReadOnly>(),
            _ => Masks<WrittenUnread>(),
        };

        float[] expectedParameters = (float[])parameters.Clone();
        float[][] expectedSlots = [.. slots.Select((slot, k) => (read >> k & 1) != 0 ? (float[])slot.Clone() : new float[length])];
        Run(new Mixing<Open>(slotCount), expectedParameters, readsGradient ? gradients : new float[length], expectedSlots, present);
        for (int k = 0; k < slotCount; k++)
            if ((written >> k & 1) == 0 || !present[k]) expectedSlots[k] = (float[])slots[k].Clone();

        switch (masks)
        {
            case 0: Run(new Mixing<SomeReadOthersWritten>(slotCount), parameters, gradients, slots, present); break;
            case 1: Run(new Mixing<ReadOnly>(slotCount), parameters, gradients, slots, present); break;
            default: Run(new Mixing<WrittenUnread>(slotCount), parameters, gradients, slots, present); break;
        }

        Assert.Equal(Bits(expectedParameters), Bits(parameters));
        for (int k = 0; k < slotCount; k++) Assert.Equal(Bits(expectedSlots[k]), Bits(slots[k]));
    }

    private static (int Read, int Written, bool Gradient) Masks<TMasks>() where TMasks : IMasks => (TMasks.Read, TMasks.Written, TMasks.Gradient);

    private static unsafe void Run<TRule>(TRule rule, float[] parameters, float[] gradients, float[][] slots, bool[] present) where TRule : struct, ISlotRule =>
        PinnedSlots.With(slots, present, pointers =>
        {
            fixed (float* p = parameters, g = gradients)
                SlotKernel.Apply(rule, p, g, pointers, parameters.Length);
        });

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    private interface IMasks
    {
        static abstract int Read { get; }
        static abstract int Written { get; }
        static abstract bool Gradient { get; }
    }

    private readonly struct Open : IMasks
    {
        public static int Read => ISlotRule.AllSlots;
        public static int Written => ISlotRule.AllSlots;
        public static bool Gradient => true;
    }

    private readonly struct SomeReadOthersWritten : IMasks
    {
        public static int Read => 0b1010_0101;
        public static int Written => 0b0110_0011;
        public static bool Gradient => true;
    }

    private readonly struct ReadOnly : IMasks
    {
        public static int Read => ISlotRule.AllSlots;
        public static int Written => 0;
        public static bool Gradient => false;
    }

    private readonly struct WrittenUnread : IMasks
    {
        public static int Read => 0b0000_1111;
        public static int Written => 0b1111_0000;
        public static bool Gradient => true;
    }

    /// <summary>Each slot k ← ½·slot + (k + 1)·g + θ/8; θ ← θ + the new slots/100 (every lane as the rule sees it).</summary>
    private readonly struct Mixing<TMasks>(int slotCount) : ISlotRule where TMasks : IMasks
    {
        public static int SlotsRead => TMasks.Read;
        public static int SlotsWritten => TMasks.Written;
        public static bool ReadsGradient => TMasks.Gradient;

        public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>
        {
            T sum = T.Broadcast(0);
            for (int k = 0; k < slotCount; k++)
            {
                state[k] = T.Broadcast(0.5) * state[k] + T.Broadcast(k + 1) * gradient + T.Broadcast(0.125) * parameter;
                sum += state[k];
            }
            parameter += T.Broadcast(0.01) * sum;
        }

        public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> => T.Broadcast(0);
    }
}

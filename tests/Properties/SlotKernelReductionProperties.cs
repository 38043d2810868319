using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// The float kernel's reduction pass against the double reference, on every loop it has: the dense one (up to six slots and
/// four sums, slots and sums in registers) and the general one (more of either). A rule moves only the slots it says it
/// touches (<see cref="IReductionRule.SlotsTouched"/>): the others keep their bits and read as zero; null slots are skipped.
/// It stores only those it says it writes (<see cref="IReductionRule.SlotsWritten"/>), and an unread parameter reads as zero.
/// </summary>
public class SlotKernelReductionProperties
{
    [Property(MaxTest = 150)]
    public unsafe void KernelSumsAndSlotsMatchTheReferenceAndUntouchedSlotsKeepTheirBits(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        int slotCount = random.Next(0, 9), sumCount = random.Next(1, 7), length = random.Next(0, 700);
        int touched = random.Next(0, 1 << slotCount), written = touched & random.Next(0, 1 << slotCount);
        bool readsParameter = random.Next(2) == 0;
        bool[] present = PinnedSlots.Present(random, slotCount);
        float[] parameters = PinnedSlots.Values(random, length), gradients = PinnedSlots.Values(random, length);
        float[][] slots = PinnedSlots.Slots(random, slotCount, length);
        float[][] before = [.. slots.Select(slot => (float[])slot.Clone())];
        var rule = new MixingReduction(slotCount, sumCount, touched, written, readsParameter);

        double[] kernelSums = new double[sumCount];
        PinnedSlots.With(slots, present, pointers =>
        {
            fixed (float* p = parameters, g = gradients)
                SlotKernel.Accumulate(rule, p, g, pointers, length, kernelSums);
        });

        double[]?[] reference = [.. Enumerable.Range(0, slotCount).Select(k => present[k] ? before[k].Select(v => (double)v).ToArray() : null)];
        double[] referenceSums = new double[sumCount];
        SlotReference.Accumulate(rule, [.. parameters.Select(v => (double)v)], [.. gradients.Select(v => (double)v)], reference, referenceSums);

        for (int j = 0; j < sumCount; j++)
        {
            double scale = Enumerable.Range(0, length).Sum(i => Math.Abs(parameters[i]) * (j + 1) + (slotCount > 0 ? 2.0 : 0));
            if (!readsParameter)
            {
                // The parameter's terms must be missing: the sums equal those of a zero parameter's, computed alone.
                double[] zeroSums = new double[sumCount];
                double[]?[] fresh = [.. Enumerable.Range(0, slotCount).Select(k => present[k] ? before[k].Select(v => (double)v).ToArray() : null)];
                SlotReference.Accumulate(new MixingReduction(slotCount, sumCount, touched, written, true), new double[length], [.. gradients.Select(v => (double)v)], fresh, zeroSums);
                Tolerance.AssertClose(zeroSums[j], kernelSums[j], $"sum {j} without the parameter", relative: 0, absolute: 1e-5 * (scale + 1));
            }
            Tolerance.AssertClose(referenceSums[j], kernelSums[j], $"sum {j} of {sumCount}, {slotCount} slots, {length} elements", relative: 0, absolute: 1e-5 * (scale + 1));
        }
        for (int k = 0; k < slotCount; k++)
        {
            bool moves = present[k] && ((touched & written) >> k & 1) != 0;
            for (int i = 0; i < length; i++)
            {
                if (moves) Tolerance.AssertClose(reference[k]![i], slots[k][i], $"slot {k} element {i}", relative: 1e-6, absolute: 1e-6);
                else Assert.Equal(BitConverter.SingleToInt32Bits(before[k][i]), BitConverter.SingleToInt32Bits(slots[k][i]));
            }
        }
    }

    /// <summary>Each touched slot k ← ½·slot + g; sum j += (j + 1)·θ + the slot j mod count as the rule sees it (zero when untouched).</summary>
    private readonly struct MixingReduction(int slotCount, int sumCount, int touched, int written, bool readsParameter) : IReductionRule
    {
        public int SlotsTouched => touched;

        public int SlotsWritten => written;

        public bool ReadsParameter => readsParameter;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Accumulate<T>(T parameter, T gradient, ref Lanes<T> state, ref Lanes<T> sums) where T : unmanaged, ILane<T>
        {
            for (int j = 0; j < sumCount; j++) sums[j] += T.Broadcast(j + 1) * parameter + (slotCount > 0 ? state[j % slotCount] : T.Broadcast(0));
            for (int k = 0; k < slotCount; k++) state[k] = T.Broadcast(0.5) * state[k] + gradient;
        }
    }
}

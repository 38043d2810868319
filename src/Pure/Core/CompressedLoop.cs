using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// The fused kernel's element loop on compressed state: whole blocks of <see cref="StateCodec.BlockSize"/> elements,
/// each slot converted in registers as it is loaded and stored (<typeparamref name="TFormat0"/> …), so that each
/// byte of state is read once and written once with no float copy of the slot. 8-bit slots code each new value on its
/// block's scale as it comes, and keep the block's values in L1 scratch (one block per slot) while their largest magnitude
/// accrues, for the few blocks that must be coded again on a fresh scale (<see cref="StateCodec.KeepsScale"/>).
/// </summary>
/// <remarks>
/// <see cref="Run"/> is the element loop and calls nothing: where a block must be coded again, or cannot be decoded in registers (its scale
/// is not a power of two the codes add to, <see cref="StateCodec.DecodesInline"/>), it returns, and <see cref="Steps"/> settles or steps the
/// block by a call before it enters the loop again. A call inside the loop made the JIT keep the rule's constants on the
/// stack and load them again for every lane. <see cref="Run"/> is compiled as <see cref="Loop{TRule, TLane, THas0, THas1, THas2}"/> is, and for the same reason: never inlined and
/// fully optimised from its first call, with the rule, the lanes and the formats <c>AggressiveInlining</c>. What is
/// inlined must stay within the JIT's inlining budget, which fails silently (three 8-bit slots once left lane operations
/// as calls: 5× slower); <c>KernelMachineCodeTests</c> reads the JIT's listing of every such loop and allows no call in it.
/// </remarks>
internal static unsafe class CompressedLoop<TRule, TLane, TFormat0, TFormat1, TFormat2>
    where TRule : struct, IElementRule
    where TLane : struct, ICodecLane<TLane>
    where TFormat0 : struct, ISlotFormat
    where TFormat1 : struct, ISlotFormat
    where TFormat2 : struct, ISlotFormat
{
    /// <summary>
    /// Steps <paramref name="blocks"/> whole blocks from the start of every buffer, whose first element is element <paramref name="first"/>
    /// of its tensor; <paramref name="key"/> is the step's <see cref="RoundingSeed.Key"/>.
    /// </summary>
    // Scratch is written before it is read: not zeroed on every call (a tensor's call, 3 KiB).
    [MethodImpl(MethodImplOptions.NoInlining), SkipLocalsInit]
    public static void Steps<TApart>(TRule rule, float* parameters, float* gradients, SlotStorage slot0, SlotStorage slot1, SlotStorage slot2, nuint blocks, int first, int key,
                                     ref TApart apart) where TApart : struct, IBlockApart
    {
        // On a cache line's start, so that no lane's store to it splits a line.
        float* unaligned = stackalloc float[3 * StateCodec.BlockSize + 16];
        float* scratch = (float*)(((nint)unaligned + 63) & ~(nint)63);
        for (nuint next = 0; next < blocks;)
        {
            next = Run(rule, parameters, gradients, slot0, slot1, slot2, next, blocks, first, key, scratch, out var end);
            if (end == RunEnd.Apart)
            {
                apart.Step((int)(next * StateCodec.BlockSize));
                next++;
                continue;
            }
            if (end != RunEnd.CodeAgain) continue;
            nuint block = next - 1;
            int start = first + (int)(block * StateCodec.BlockSize);
            TFormat0.Settle<TLane>((byte*)slot0.Values, (float*)slot0.Scales, block, scratch, start, key);
            TFormat1.Settle<TLane>((byte*)slot1.Values, (float*)slot1.Scales, block, scratch + StateCodec.BlockSize, start, key);
            TFormat2.Settle<TLane>((byte*)slot2.Values, (float*)slot2.Scales, block, scratch + 2 * StateCodec.BlockSize, start, key);
        }
    }

    private enum RunEnd { Finished, CodeAgain, Apart }

    /// <summary>
    /// Steps the blocks from <paramref name="from"/> until <paramref name="blocks"/> or until a block that must be coded again (<see cref="RunEnd.CodeAgain"/>,
    /// its slots' values left in <paramref name="scratch"/>: returns the block after it) or that it cannot decode (<see cref="RunEnd.Apart"/>: returns that block).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static nuint Run(TRule rule, float* parameters, float* gradients, SlotStorage slot0, SlotStorage slot1, SlotStorage slot2, nuint from, nuint blocks,
                             int first, int key, float* scratch, out RunEnd end)
    {
        const int Block = StateCodec.BlockSize;
        byte* values0 = (byte*)slot0.Values, values1 = (byte*)slot1.Values, values2 = (byte*)slot2.Values;
        float* scales0 = (float*)slot0.Scales, scales1 = (float*)slot1.Scales, scales2 = (float*)slot2.Scales;
        nuint width = (nuint)TLane.Count;
        TLane stride = StateCodec.SpreadStride<TLane>();
        for (nuint block = from; block < blocks; block++)
        {
            if (!(TFormat0.Decodes(scales0, block) & TFormat1.Decodes(scales1, block) & TFormat2.Decodes(scales2, block)))
            {
                end = RunEnd.Apart;
                return block;
            }
            nuint start = block * Block;
            // Indexed from the block's start, so that a lane's scratch and slot addresses need no arithmetic of their own.
            float* blockParameters = parameters + start, blockGradients = gradients + start;
            byte* block0 = TFormat0.At(values0, start), block1 = TFormat1.At(values1, start), block2 = TFormat2.At(values2, start);
            TLane exponent0 = TFormat0.Exponent<TLane>(scales0, block), exponent1 = TFormat1.Exponent<TLane>(scales1, block), exponent2 = TFormat2.Exponent<TLane>(scales2, block);
            TLane bias0 = TFormat0.Bias<TLane>(scales0, block), bias1 = TFormat1.Bias<TLane>(scales1, block), bias2 = TFormat2.Bias<TLane>(scales2, block);
            TLane largest0 = default, largest1 = default, largest2 = default;
            TLane spread = TLane.Spread(first + (int)start, key);
            nuint i = 0;
            // Tested at the bottom, so that the body dominates the exit and the JIT hoists the rule's broadcasts out of it.
            do
            {
                TLane parameter = TLane.Load(ref *blockParameters, i);
                TLane s0 = TFormat0.Load(block0, i, exponent0);
                TLane s1 = TFormat1.Load(block1, i, exponent1);
                TLane s2 = TFormat2.Load(block2, i, exponent2);
                rule.Apply(ref parameter, TLane.Load(ref *blockGradients, i), ref s0, ref s1, ref s2);
                TLane.Store(parameter, ref *blockParameters, i);
                TFormat0.Store(s0, block0, i, scratch, i, ref largest0, bias0, spread);
                TFormat1.Store(s1, block1, i, scratch + Block, i, ref largest1, bias1, spread);
                TFormat2.Store(s2, block2, i, scratch + 2 * Block, i, ref largest2, bias2, spread);
                if (TFormat0.DrawsInStore || TFormat1.DrawsInStore || TFormat2.DrawsInStore) spread = TLane.AddBits(spread, stride);
                i += width;
            }
            while (i < Block);
            // All three, not the first that fails: each keeps its scale or leaves the block to Settle.
            if (!(TFormat0.Finish(scales0, block, largest0) & TFormat1.Finish(scales1, block, largest1) & TFormat2.Finish(scales2, block, largest2)))
            {
                end = RunEnd.CodeAgain;
                return block + 1;
            }
        }
        end = RunEnd.Finished;
        return blocks;
    }
}

/// <summary>
/// What steps a whole block the compressed loop does not (<see cref="ISlotFormat.Decodes"/>): decoded into floats, stepped by the float
/// kernel and coded again, as the last, partial block of a tensor is.
/// </summary>
internal interface IBlockApart
{
    /// <summary>Steps the block whose first element is <paramref name="start"/> (from the buffers' start).</summary>
    void Step(int start);
}

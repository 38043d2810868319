namespace AdaptiveLR.Pure.Numerics;

/// <summary>
/// What seeds the stochastic rounding of non-negative slots (<see cref="StateCodec"/>): the step, and the index in its
/// tensor of the first value coded. Each value's draw is a hash of its own bits, its index and the step, with no
/// generator state, so that a run codes alike however its elements are split among cores and lanes, and when resumed.
/// </summary>
/// <param name="Step">The optimizer step that writes the values (any number for a conversion outside a step).</param>
/// <param name="First">The index, in its tensor, of the first value coded.</param>
public readonly record struct RoundingSeed(long Step, int First)
{
    /// <summary>
    /// The step's part of every value's hash (<see cref="MixHigh"/>), as the hash's first step leaves it: that step, x ^= x &gt;&gt; 16,
    /// distributes over the exclusive-or that brings the key in, so the key's share of it is computed once per step, not per value.
    /// </summary>
    internal int Key
    {
        get
        {
            uint key = unchecked(Mix((uint)Step ^ Mix((uint)(Step >> 32) + 0x9E3779B9u)));
            return unchecked((int)(key ^ (key >> 16)));
        }
    }

    /// <summary>The same step from the value <paramref name="offset"/> places further on.</summary>
    internal RoundingSeed Plus(int offset) => this with { First = unchecked(First + offset) };

    /// <summary>A 32-bit integer hash (Wellons' lowbias32): every input bit changes about half the output bits.</summary>
    internal static uint Mix(uint x)
    {
        x = MixHigh(x, 0);
        return x ^ (x >> 16);
    }

    /// <summary>
    /// <see cref="Mix"/> of <paramref name="value"/> exclusive-or the step's unfolded key, given <see cref="Key"/>, short of the hash's last
    /// step, which changes only the low 16 bits (<see cref="ICodecLane{T}.MixHigh"/>).
    /// </summary>
    internal static uint MixHigh(uint value, uint key)
    {
        unchecked
        {
            uint x = value ^ (value >> 16) ^ key;
            x *= 0x7FEB352Du;
            x ^= x >> 15;
            return x * 0x846CA68Bu;
        }
    }
}

namespace AdaptiveLR.Pure.Numerics;

/// <summary>
/// What seeds the stochastic rounding of non-negative slots (<see cref="StateCodec"/>): the step, and the index in its
/// tensor of the first value coded. Each value's draw comes from its own bits, its index and a hash of the step, with no
/// generator state, so that a run codes alike however its elements are split among cores and lanes, and when resumed.
/// </summary>
/// <param name="Step">The optimizer step that writes the values (any number for a conversion outside a step).</param>
/// <param name="First">The index, in its tensor, of the first value coded.</param>
public readonly record struct RoundingSeed(long Step, int First)
{
    /// <summary>The step's part of every value's draw (<see cref="StateCodec.Draw"/>): a hash of the step, uniform and fresh every step.</summary>
    internal int Key => unchecked((int)Mix((uint)Step ^ Mix((uint)(Step >> 32) + 0x9E3779B9u)));

    /// <summary>The same step from the value <paramref name="offset"/> places further on.</summary>
    internal RoundingSeed Plus(int offset) => this with { First = unchecked(First + offset) };

    /// <summary>A 32-bit integer hash (Wellons' lowbias32): every input bit changes about half the output bits.</summary>
    internal static uint Mix(uint x)
    {
        unchecked
        {
            x ^= x >> 16;
            x *= 0x7FEB352Du;
            x ^= x >> 15;
            x *= 0x846CA68Bu;
            return x ^ (x >> 16);
        }
    }
}

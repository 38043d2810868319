using System.Runtime.CompilerServices;

namespace AdaptiveLR.Pure.Numerics;

/// <summary>
/// A <see cref="StateRounding"/> as a type: what <see cref="StateCodec"/> adds below the kept bits before it truncates, and
/// at most how much (which sets the block scale it codes on), so that a slot's rounding is a constant of the loop compiled for it, with no branch in it
/// (the fused loop's inlining budget is tight: AMSGrad codes three 8-bit slots in one loop).
/// </summary>
internal interface IRoundingMode
{
    /// <summary>The rounding this type stands for.</summary>
    static abstract StateRounding Rounding { get; }

    /// <summary>Whether the increments are drawn (StateCodec.Draw): else a loop need not advance the positions' <see cref="ICodecLane{T}.Spread"/>.</summary>
    static abstract bool Draws { get; }

    /// <summary>What an 8-bit code adds below its kept bits (<see cref="StateCodec.Codes"/>), per element.</summary>
    static abstract T CodeIncrement<T>(T values, T spread) where T : struct, ICodecLane<T>;

    /// <summary>What a bfloat16 code adds below its kept 16 bits (<see cref="StateCodec.ToBFloat16"/>), per element.</summary>
    static abstract T BFloat16Increment<T>(T values, T spread) where T : struct, ICodecLane<T>;

    /// <summary>
    /// What <see cref="CodeIncrement"/> is where it is not drawn: the fused loop adds it to a block's bias once, not to every value.
    /// </summary>
    static abstract int FixedIncrement { get; }

    /// <summary>
    /// The largest <see cref="CodeIncrement"/>: a block's largest magnitude must stay this far below twice its scale, so that no
    /// value rounds up past the map's top code (<see cref="StateCodec.KeepsScale"/>).
    /// </summary>
    static abstract int MaxIncrement { get; }
}

/// <summary><see cref="StateRounding.Nearest"/>: half a code step (bfloat16: just under half a unit plus the kept lowest bit, ties to even).</summary>
internal readonly struct ToNearest : IRoundingMode
{
    public static StateRounding Rounding => StateRounding.Nearest;
    public static bool Draws => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T CodeIncrement<T>(T values, T spread) where T : struct, ICodecLane<T> => T.Bits(StateCodec.RoundFraction);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T BFloat16Increment<T>(T values, T spread) where T : struct, ICodecLane<T> =>
        T.AddBits(T.Bits(0x7FFF), T.And(T.ShiftRight(values, 16), T.Bits(1)));
    public static int FixedIncrement => StateCodec.RoundFraction;
    public static int MaxIncrement => StateCodec.RoundFraction;
}

/// <summary><see cref="StateRounding.Stochastic"/>: a uniform draw below one code step (<see cref="StateCodec.Draw"/>).</summary>
internal readonly struct Stochastically : IRoundingMode
{
    public static StateRounding Rounding => StateRounding.Stochastic;
    public static bool Draws => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T CodeIncrement<T>(T values, T spread) where T : struct, ICodecLane<T> => StateCodec.Draw(values, spread, StateCodec.FractionShift);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T BFloat16Increment<T>(T values, T spread) where T : struct, ICodecLane<T> => StateCodec.Draw(values, spread, 16);
    public static int FixedIncrement => 0;
    public static int MaxIncrement => (1 << StateCodec.FractionShift) - 1;
}

/// <summary><see cref="StateRounding.Down"/>: nothing added.</summary>
internal readonly struct Downward : IRoundingMode
{
    public static StateRounding Rounding => StateRounding.Down;
    public static bool Draws => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T CodeIncrement<T>(T values, T spread) where T : struct, ICodecLane<T> => T.Bits(0);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T BFloat16Increment<T>(T values, T spread) where T : struct, ICodecLane<T> => T.Bits(0);
    public static int FixedIncrement => 0;
    public static int MaxIncrement => 0;
}

using System.Runtime.CompilerServices;

namespace AdaptiveLR.Pure.Numerics;

public readonly partial record struct FloatLane : ICodecLane<FloatLane>
{
    private int Pattern => BitConverter.SingleToInt32Bits(Value);

    private static FloatLane Of(int bits) => new(BitConverter.Int32BitsToSingle(bits));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Bits(int value) => Of(value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane AddBits(FloatLane left, FloatLane right) => Of(left.Pattern + right.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane SubtractBits(FloatLane left, FloatLane right) => Of(left.Pattern - right.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane And(FloatLane left, FloatLane right) => Of(left.Pattern & right.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Or(FloatLane left, FloatLane right) => Of(left.Pattern | right.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Mix(FloatLane value, FloatLane position, FloatLane key) =>
        Of(unchecked((int)RoundingSeed.Mix(((uint)value.Pattern + (uint)position.Pattern * 0x9E3779B9u) ^ (uint)key.Pattern)));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Positions(int first) => Of(first);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane AndNot(FloatLane value, FloatLane mask) => Of(value.Pattern & ~mask.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane ShiftLeft(FloatLane value, int count) => Of(value.Pattern << count);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane ShiftRight(FloatLane value, int count) => Of(value.Pattern >>> count);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane MaxBits(FloatLane left, FloatLane right) => Of(Math.Max(left.Pattern, right.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane MinBits(FloatLane left, FloatLane right) => Of(Math.Min(left.Pattern, right.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane IsZero(FloatLane value) => Of(value.Pattern == 0 ? -1 : 0);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane IsGreater(FloatLane left, FloatLane right) => Of(left.Pattern > right.Pattern ? -1 : 0);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LargestBits(FloatLane value) => value.Pattern;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane LoadBytes(ref byte source, nuint offset) => Of(Unsafe.Add(ref source, offset));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(FloatLane value, ref byte destination, nuint offset) => Unsafe.Add(ref destination, offset) = (byte)value.Pattern;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane LoadHalves(ref ushort source, nuint offset) => Of(Unsafe.Add(ref source, offset));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalves(FloatLane value, ref ushort destination, nuint offset) => Unsafe.Add(ref destination, offset) = (ushort)value.Pattern;
}

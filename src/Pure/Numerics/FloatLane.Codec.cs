using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdaptiveLR.Pure.Numerics;

public readonly partial record struct FloatLane : ICodecLane<FloatLane>
{
    private int Pattern => BitConverter.SingleToInt32Bits(Value);

    private static FloatLane Of(int bits) => new(BitConverter.Int32BitsToSingle(bits));

    // Through a vector register, not Of: the .NET 10 JIT turns a byte or 16-bit load reinterpreted as a float into a 4-byte load
    // (dotnet/runtime#133580), reading the next codes into the pattern and past the end of the last one.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FloatLane Widened(int bits) => new(Vector128.CreateScalarUnsafe(bits).AsSingle().ToScalar());

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Bits(int value) => Of(value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane AddBits(FloatLane left, FloatLane right) => Of(left.Pattern + right.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane And(FloatLane left, FloatLane right) => Of(left.Pattern & right.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Spread(int first, int key) => Of(unchecked(first * StateCodec.GoldenRatio + key));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane Select(FloatLane mask, FloatLane whenSet, FloatLane otherwise) => Of((mask.Pattern & whenSet.Pattern) | (~mask.Pattern & otherwise.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane ShiftLeft(FloatLane value, int count) => Of(value.Pattern << count);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane ShiftRight(FloatLane value, int count) => Of(value.Pattern >>> count);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane ShiftRightArithmetic(FloatLane value, int count) => Of(value.Pattern >> count);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane MaxBits(FloatLane left, FloatLane right) => Of(Math.Max(left.Pattern, right.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane MinBits(FloatLane left, FloatLane right) => Of(Math.Min(left.Pattern, right.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane AddBitsWhere(FloatLane condition, FloatLane value, FloatLane addend) => Of(condition.Pattern == 0 ? value.Pattern : value.Pattern + addend.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane QuietNaNsOr(FloatLane value, FloatLane otherwise) => float.IsNaN(value.Value) ? Of(value.Pattern | 0x400000) : otherwise;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LargestBits(FloatLane value) => value.Pattern;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane LoadBytes(ref byte source, nuint offset) => Widened(Unsafe.Add(ref source, offset));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane LoadSignedBytes(ref byte source, nuint offset) => Widened((sbyte)Unsafe.Add(ref source, offset));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(FloatLane value, ref byte destination, nuint offset) => Unsafe.Add(ref destination, offset) = (byte)value.Pattern;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytesSaturated(FloatLane value, ref byte destination, nuint offset) => Unsafe.Add(ref destination, offset) = (byte)Math.Min(value.Pattern, 255);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FloatLane LoadHalves(ref ushort source, nuint offset) => Widened(Unsafe.Add(ref source, offset));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalves(FloatLane value, ref ushort destination, nuint offset) => Unsafe.Add(ref destination, offset) = (ushort)value.Pattern;
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdaptiveLR.Pure.Numerics;

// Used only where Vector512 is accelerated, which on x86 means AVX-512F: its widening loads and narrowing stores convert in one instruction.
public readonly partial record struct Float512Lane : ICodecLane<Float512Lane>
{
    private Vector512<int> Pattern => Value.AsInt32();

    private static Float512Lane Of(Vector512<int> bits) => new(bits.AsSingle());

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Bits(int value) => Of(Vector512.Create(value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane AddBits(Float512Lane left, Float512Lane right) => Of(left.Pattern + right.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane And(Float512Lane left, Float512Lane right) => Of(left.Pattern & right.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Spread(int first, int key) => Of(Vector512.Create(unchecked(first * StateCodec.GoldenRatio + key)) + Vector512<int>.Indices * StateCodec.GoldenRatio);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane Select(Float512Lane mask, Float512Lane whenSet, Float512Lane otherwise) => Of(Vector512.ConditionalSelect(mask.Pattern, whenSet.Pattern, otherwise.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane ShiftLeft(Float512Lane value, int count) => Of(Vector512.ShiftLeft(value.Pattern, count));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane ShiftRight(Float512Lane value, int count) => Of(Vector512.ShiftRightLogical(value.Pattern, count));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane ShiftRightArithmetic(Float512Lane value, int count) => Of(Vector512.ShiftRightArithmetic(value.Pattern, count));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane MaxBits(Float512Lane left, Float512Lane right) => Of(Vector512.Max(left.Pattern, right.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane MinBits(Float512Lane left, Float512Lane right) => Of(Vector512.Min(left.Pattern, right.Pattern));
    /// <inheritdoc/>
    // Written as a select of the sum where the condition is not zero, so that the JIT makes it an addition under a mask (vptestmd, vpaddd {k}).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane AddBitsWhere(Float512Lane condition, Float512Lane value, Float512Lane addend) =>
        Of(Vector512.ConditionalSelect(~Vector512.Equals(condition.Pattern, Vector512<int>.Zero), value.Pattern + addend.Pattern, value.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane QuietNaNsOr(Float512Lane value, Float512Lane otherwise) =>
        Of(Vector512.ConditionalSelect(Vector512.IsNaN(value.Value).AsInt32(), value.Pattern | Vector512.Create(0x400000), otherwise.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LargestBits(Float512Lane value)
    {
        var half = Vector256.Max(value.Pattern.GetLower(), value.Pattern.GetUpper());
        return Float128Lane.Largest(Vector128.Max(half.GetLower(), half.GetUpper()));
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane LoadBytes(ref byte source, nuint offset) => Of(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref source, offset)));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane LoadSignedBytes(ref byte source, nuint offset) => Of(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref source, offset).AsSByte()));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(Float512Lane value, ref byte destination, nuint offset) => Avx512F.ConvertToVector128Byte(value.Pattern).StoreUnsafe(ref destination, offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytesSaturated(Float512Lane value, ref byte destination, nuint offset) => Avx512F.ConvertToVector128ByteWithSaturation(value.Pattern.AsUInt32()).StoreUnsafe(ref destination, offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512Lane LoadHalves(ref ushort source, nuint offset) => Of(Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref source, offset)));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalves(Float512Lane value, ref ushort destination, nuint offset) => Avx512F.ConvertToVector256UInt16(value.Pattern.AsUInt32()).StoreUnsafe(ref destination, offset);
}

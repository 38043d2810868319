using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdaptiveLR.Pure.Numerics;

public readonly partial record struct Float256Lane : ICodecLane<Float256Lane>
{
    private Vector256<int> Pattern => Value.AsInt32();

    private static Float256Lane Of(Vector256<int> bits) => new(bits.AsSingle());

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane Bits(int value) => Of(Vector256.Create(value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane AddBits(Float256Lane left, Float256Lane right) => Of(left.Pattern + right.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane And(Float256Lane left, Float256Lane right) => Of(left.Pattern & right.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane Spread(int first, int key) => Of(Vector256.Create(unchecked(first * StateCodec.GoldenRatio + key)) + Vector256<int>.Indices * StateCodec.GoldenRatio);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane Select(Float256Lane mask, Float256Lane whenSet, Float256Lane otherwise) => Of(Vector256.ConditionalSelect(mask.Pattern, whenSet.Pattern, otherwise.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane ShiftLeft(Float256Lane value, int count) => Of(Vector256.ShiftLeft(value.Pattern, count));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane ShiftRight(Float256Lane value, int count) => Of(Vector256.ShiftRightLogical(value.Pattern, count));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane ShiftRightArithmetic(Float256Lane value, int count) => Of(Vector256.ShiftRightArithmetic(value.Pattern, count));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane MaxBits(Float256Lane left, Float256Lane right) => Of(Vector256.Max(left.Pattern, right.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane MinBits(Float256Lane left, Float256Lane right) => Of(Vector256.Min(left.Pattern, right.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane AddBitsWhere(Float256Lane condition, Float256Lane value, Float256Lane addend) =>
        Of(Vector256.ConditionalSelect(Vector256.Equals(condition.Pattern, Vector256<int>.Zero), value.Pattern, value.Pattern + addend.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane QuietNaNsOr(Float256Lane value, Float256Lane otherwise) =>
        Of(Vector256.ConditionalSelect(Vector256.IsNaN(value.Value).AsInt32(), value.Pattern | Vector256.Create(0x400000), otherwise.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LargestBits(Float256Lane value) => Float128Lane.Largest(Vector128.Max(value.Pattern.GetLower(), value.Pattern.GetUpper()));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane LoadBytes(ref byte source, nuint offset)
    {
        var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, offset))).AsByte();
        return Of(Vector256.WidenLower(Vector128.WidenLower(bytes).ToVector256Unsafe()).AsInt32());
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane LoadSignedBytes(ref byte source, nuint offset)
    {
        var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, offset))).AsSByte();
        return Of(Vector256.WidenLower(Vector128.WidenLower(bytes).ToVector256Unsafe()));
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(Float256Lane value, ref byte destination, nuint offset)
    {
        var halves = Vector256.Narrow(value.Pattern.AsUInt32(), value.Pattern.AsUInt32()).GetLower();
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, offset), Vector128.Narrow(halves, halves).AsUInt64().ToScalar());
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytesSaturated(Float256Lane value, ref byte destination, nuint offset) => StoreBytes(Of(Vector256.Min(value.Pattern, Vector256.Create(255))), ref destination, offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256Lane LoadHalves(ref ushort source, nuint offset) => Of(Vector256.WidenLower(Vector128.LoadUnsafe(ref source, offset).ToVector256Unsafe()).AsInt32());
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalves(Float256Lane value, ref ushort destination, nuint offset) =>
        Vector256.Narrow(value.Pattern.AsUInt32(), value.Pattern.AsUInt32()).GetLower().StoreUnsafe(ref destination, offset);
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdaptiveLR.Pure.Numerics;

// Only cross-platform Vector128 operations, so that the same code is SSE on x86 and NEON on ARM64. A lane holds 4 values:
// its 8-bit codes are one 32-bit word and its bfloat16 codes one 64-bit word, moved through the low element of a register.
public readonly partial record struct Float128Lane : ICodecLane<Float128Lane>
{
    private Vector128<int> Pattern => Value.AsInt32();

    private static Float128Lane Of(Vector128<int> bits) => new(bits.AsSingle());

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane Bits(int value) => Of(Vector128.Create(value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane AddBits(Float128Lane left, Float128Lane right) => Of(left.Pattern + right.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane And(Float128Lane left, Float128Lane right) => Of(left.Pattern & right.Pattern);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane Spread(int first, int key) => Of(Vector128.Create(unchecked(first * StateCodec.GoldenRatio + key)) + Vector128<int>.Indices * StateCodec.GoldenRatio);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane Select(Float128Lane mask, Float128Lane whenSet, Float128Lane otherwise) => Of(Vector128.ConditionalSelect(mask.Pattern, whenSet.Pattern, otherwise.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane ShiftLeft(Float128Lane value, int count) => Of(Vector128.ShiftLeft(value.Pattern, count));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane ShiftRight(Float128Lane value, int count) => Of(Vector128.ShiftRightLogical(value.Pattern, count));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane ShiftRightArithmetic(Float128Lane value, int count) => Of(Vector128.ShiftRightArithmetic(value.Pattern, count));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane MaxBits(Float128Lane left, Float128Lane right) => Of(Vector128.Max(left.Pattern, right.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane MinBits(Float128Lane left, Float128Lane right) => Of(Vector128.Min(left.Pattern, right.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane AddBitsWhere(Float128Lane condition, Float128Lane value, Float128Lane addend) =>
        Of(Vector128.ConditionalSelect(Vector128.Equals(condition.Pattern, Vector128<int>.Zero), value.Pattern, value.Pattern + addend.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane QuietNaNsOr(Float128Lane value, Float128Lane otherwise) =>
        Of(Vector128.ConditionalSelect(Vector128.IsNaN(value.Value).AsInt32(), value.Pattern | Vector128.Create(0x400000), otherwise.Pattern));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LargestBits(Float128Lane value) => Largest(value.Pattern);

    // By two shuffles and maxima in the register, not a scalar Math.Max of its elements: which element is largest is data,
    // and the JIT compiled those as compare-and-branch, mispredicted about half the time once per block and slot.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Largest(Vector128<int> pattern)
    {
        pattern = Vector128.Max(pattern, Vector128.Shuffle(pattern, Vector128.Create(2, 3, 0, 1)));
        return Vector128.Max(pattern, Vector128.Shuffle(pattern, Vector128.Create(1, 0, 3, 2))).ToScalar();
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane LoadBytes(ref byte source, nuint offset)
    {
        var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, offset))).AsByte();
        return Of(Vector128.WidenLower(Vector128.WidenLower(bytes)).AsInt32());
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane LoadSignedBytes(ref byte source, nuint offset)
    {
        var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, offset))).AsSByte();
        return Of(Vector128.WidenLower(Vector128.WidenLower(bytes)));
    }
    // The stores gather each element's lowest byte, or lowest two, with one constant byte shuffle (pshufb, tbl), where Narrow
    // masks each element before each of its two saturating packs on x86.
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(Float128Lane value, ref byte destination, nuint offset) =>
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, offset), Vector128.Shuffle(value.Value.AsByte(), Vector128.Create((byte)0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).AsUInt32().ToScalar());
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytesSaturated(Float128Lane value, ref byte destination, nuint offset) => StoreBytes(Of(Vector128.Min(value.Pattern, Vector128.Create(255))), ref destination, offset);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128Lane LoadHalves(ref ushort source, nuint offset)
    {
        var halves = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref source, offset)))).AsUInt16();
        return Of(Vector128.WidenLower(halves).AsInt32());
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreHalves(Float128Lane value, ref ushort destination, nuint offset) =>
        Unsafe.WriteUnaligned(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref destination, offset)), Vector128.Shuffle(value.Value.AsByte(), Vector128.Create((byte)0, 1, 4, 5, 8, 9, 12, 13, 0, 0, 0, 0, 0, 0, 0, 0)).AsUInt64().ToScalar());
}

using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch;

/// <summary>
/// TorchSharp's .NET tensor format (<c>Tensor.Save</c>: LEB128 element type, LEB128 rank, LEB128
/// sizes, then the raw elements) read with everything checked before a tensor exists: the element
/// type and the shape must be the ones expected, the elements must all be there and, for floating
/// point, finite. TorchSharp's own static <c>Load</c> allocates whatever shape the bytes declare and
/// passes any type code to ATen, so a crafted file could ask for terabytes or crash in native code.
/// </summary>
public static class SerializedTensor
{
    private const int MaxRank = 8;

    /// <summary>Reads a tensor of exactly <paramref name="dtype"/> and <paramref name="shape"/>; <see cref="InvalidDataException"/> naming <paramref name="what"/> otherwise.</summary>
    public static Tensor Read(BinaryReader reader, ScalarType dtype, ReadOnlySpan<long> shape, string what)
    {
        byte[] elements = ReadElements(reader, dtype, shape, what);
        var tensor = empty(shape.ToArray(), dtype);
        elements.CopyTo(tensor.bytes);
        return tensor;
    }

    /// <summary>Checks a tensor as <see cref="Read"/> does and moves past it, creating nothing.</summary>
    public static void Skip(BinaryReader reader, ScalarType dtype, ReadOnlySpan<long> shape, string what) => ReadElements(reader, dtype, shape, what);

    private static byte[] ReadElements(BinaryReader reader, ScalarType dtype, ReadOnlySpan<long> shape, string what)
    {
        long code = Leb128(reader, what);
        if (code != (long)dtype)
            throw new InvalidDataException($"{what}: element type code {code}, expected {(int)dtype} ({dtype})");
        long rank = Leb128(reader, what);
        if (rank != shape.Length || rank > MaxRank)
            throw new InvalidDataException($"{what}: {rank} dimensions, expected {shape.Length} [{string.Join(", ", shape.ToArray())}]");
        long elements = 1;
        for (int i = 0; i < rank; i++)
        {
            long size = Leb128(reader, what);
            if (size != shape[i]) throw new InvalidDataException($"{what}: size {size} in dimension {i}, expected [{string.Join(", ", shape.ToArray())}]");
            elements *= size;
        }
        long length = elements * ElementSize(dtype, what);
        byte[] bytes = reader.ReadBytes(checked((int)length));
        if (bytes.Length != length) throw new InvalidDataException($"{what}: truncated ({bytes.Length} of {length} bytes)");
        CheckFinite(bytes, dtype, what);
        return bytes;
    }

    private static void CheckFinite(byte[] bytes, ScalarType dtype, string what)
    {
        int index = dtype switch
        {
            ScalarType.Float32 => FirstNonFinite<float>(MemoryMarshal.Cast<byte, float>(bytes)),
            ScalarType.Float64 => FirstNonFinite<double>(MemoryMarshal.Cast<byte, double>(bytes)),
            _ => -1,
        };
        if (index >= 0) throw new InvalidDataException($"{what}: element {index} is not finite");
    }

    private static int FirstNonFinite<T>(ReadOnlySpan<T> values) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
            if (!T.IsFinite(values[i])) return i;
        return -1;
    }

    private static int ElementSize(ScalarType dtype, string what) => dtype switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new InvalidDataException($"{what}: element type {dtype} is not supported"),
    };

    /// <summary>An unsigned LEB128 number of at most 63 bits (TorchSharp's <c>Encode</c>/<c>Decode</c>, also its counts of tensors).</summary>
    public static long Leb128(BinaryReader reader, string what)
    {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException($"{what}: a malformed size");
    }
}

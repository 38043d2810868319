using System.Buffers.Binary;
using System.IO.Compression;
using AdaptiveLR.Cli.Data;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// IDX files whose gzip streams expand about a thousandfold: a header declaring any count, followed
/// by zeros (which deflate squeezes to about a thousandth) — what an adversary would hand over.
/// </summary>
public static class GzipBomb
{
    /// <summary>An image file declaring <paramref name="count"/> 28×28 images, with <paramref name="payloadBytes"/> bytes of zeros after the header.</summary>
    public static void Images(string path, uint count, long payloadBytes) => Write(path, Header(IdxReader.ImagesMagic, count, 28, 28), payloadBytes);

    /// <summary>A label file declaring <paramref name="count"/> labels, with <paramref name="payloadBytes"/> zero labels after the header.</summary>
    public static void Labels(string path, uint count, long payloadBytes) => Write(path, Header(IdxReader.LabelsMagic, count), payloadBytes);

    private static byte[] Header(uint magic, params uint[] dimensions)
    {
        byte[] header = new byte[4 + 4 * dimensions.Length];
        BinaryPrimitives.WriteUInt32BigEndian(header, magic);
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * i), dimensions[i]);
        return header;
    }

    private static void Write(string path, byte[] header, long zeros)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        gzip.Write(header);
        byte[] block = new byte[1 << 20];
        for (long left = zeros; left > 0; left -= block.Length) gzip.Write(block, 0, (int)Math.Min(block.Length, left));
    }
}

using System.Security.Cryptography;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// A checkpoint's bytes with the offsets of its parts, for crafting hostile variants: change any
/// part, then <see cref="Save"/> recomputes the SHA-256 as an adversary would.
/// </summary>
public sealed class CraftedCheckpoint
{
    private CraftedCheckpoint(byte[] content) => Content = content;

    /// <summary>Everything before the checksum.</summary>
    public byte[] Content { get; set; }

    public int EpochCountAt { get; private set; }
    public int FirstEpochAt { get; private set; }
    public int GeneratorAt { get; private set; }
    public int ModelSectionAt { get; private set; }
    public int OptimizerSectionAt { get; private set; }
    public int End { get; private set; }

    public static CraftedCheckpoint Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var crafted = new CraftedCheckpoint(bytes[..^32]);
        var reader = new BinaryReader(new MemoryStream(crafted.Content));
        reader.ReadString();
        reader.ReadInt32();
        int entries = reader.ReadInt32();
        for (int i = 0; i < 2 * entries; i++) reader.ReadString();
        crafted.EpochCountAt = (int)reader.BaseStream.Position;
        int epochs = reader.ReadInt32();
        crafted.FirstEpochAt = (int)reader.BaseStream.Position;
        for (int e = 0; e < epochs; e++)
        {
            reader.ReadBytes(4 + 6 * 8 + 8);
            int layers = reader.ReadInt32();
            for (int l = 0; l < layers; l++)
            {
                reader.ReadString();
                reader.ReadBytes(3 * 8);
            }
        }
        crafted.GeneratorAt = (int)reader.BaseStream.Position;
        SkipTensor(reader);
        reader.ReadInt64();
        if (reader.ReadBoolean()) reader.ReadBytes(24);
        crafted.ModelSectionAt = (int)reader.BaseStream.Position;
        reader.BaseStream.Position += 8 + reader.ReadInt64();
        crafted.OptimizerSectionAt = (int)reader.BaseStream.Position;
        reader.BaseStream.Position += 8 + reader.ReadInt64();
        crafted.End = (int)reader.BaseStream.Position;
        return crafted;
    }

    public void Save(string path) => File.WriteAllBytes(path, [.. Content, .. SHA256.HashData(Content)]);

    /// <summary>Replaces <paramref name="length"/> bytes at <paramref name="at"/> (the sections' length prefixes are not adjusted).</summary>
    public void Splice(int at, int length, byte[] replacement) => Content = [.. Content[..at], .. replacement, .. Content[(at + length)..]];

    /// <summary>The offset of the first occurrence of <paramref name="pattern"/> at or after <paramref name="from"/>.</summary>
    public int Find(byte[] pattern, int from) => from + Content.AsSpan(from).IndexOf(pattern);

    public static byte[] Leb128(long value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return [.. bytes];
    }

    private static long ReadLeb128(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }

    private static void SkipTensor(BinaryReader reader)
    {
        long type = ReadLeb128(reader);
        long elements = 1;
        for (long rank = ReadLeb128(reader); rank > 0; rank--) elements *= ReadLeb128(reader);
        reader.ReadBytes((int)(elements * (type == 0 ? 1 : 4)));
    }
}

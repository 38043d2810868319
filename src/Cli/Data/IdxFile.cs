using System.Buffers.Binary;
using AdaptiveLR.Cli.Input;

namespace AdaptiveLR.Cli.Data;

/// <summary>
/// One open IDX file (raw or gzipped, told apart by gzip's 1f 8b magic bytes, not by the name) whose
/// header has been read: the declared dimensions are known before any payload byte is read, and the
/// payload is read in bounded chunks, so memory follows what the file really holds, never what its
/// header claims. Every problem is an <see cref="IdxFormatException"/> naming the file.
/// </summary>
internal sealed class IdxFile : IDisposable
{
    private const int ChunkBytes = 1 << 20;

    private readonly FileStream file;
    private readonly Stream stream;

    private IdxFile(string path, FileStream file, bool gzipped)
    {
        Path = path;
        this.file = file;
        Gzipped = gzipped;
        stream = gzipped ? new VerifiedGzipStream(file) : file;
    }

    public string Path { get; }

    public bool Gzipped { get; }

    public int HeaderBytes => 4 + 4 * Dimensions.Length;

    /// <summary>The header's sizes: count (and rows, columns for images).</summary>
    public uint[] Dimensions { get; private set; } = [];

    /// <summary>Opens a regular file (no FIFO, device or folder, after following links) and reads its header.</summary>
    public static IdxFile Open(string path, uint magic, int dimensions)
    {
        if (Directory.Exists(path)) throw IdxReader.Error(path, "is a folder, expected an IDX file");
        if (!File.Exists(path)) throw IdxReader.Error(path, "file not found");
        if (RegularFile.Problem(path) is { } problem) throw IdxReader.Error(path, problem);
        FileStream? file = null;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            Span<byte> signature = stackalloc byte[2];
            bool gzipped = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false) == 2 && signature[0] == 0x1f && signature[1] == 0x8b;
            file.Position = 0;
            var idx = new IdxFile(path, file, gzipped);
            file = null;
            try
            {
                idx.ReadHeader(magic, dimensions);
                return idx;
            }
            catch
            {
                idx.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw IdxReader.Error(path, $"cannot read file ({e.Message})", e);
        }
        finally
        {
            file?.Dispose();
        }
    }

    /// <summary>
    /// Checks, before anything is decompressed or allocated, that the file can hold the
    /// <paramref name="payloadBytes"/> its header declares: a raw file by its length, a gzipped one
    /// by the length its trailer claims (verified again after decompression).
    /// </summary>
    public void CheckDeclaredLength(long payloadBytes, string what, string shape)
    {
        long expected = HeaderBytes + payloadBytes;
        if (!Gzipped)
        {
            if (file.Length != expected) throw SizeError(file.Length - HeaderBytes, payloadBytes, what, shape);
            return;
        }
        uint? claimed = VerifiedGzipStream.ClaimedLength(file);
        if (claimed != (uint)expected)
        {
            throw IdxReader.Error(Path,
                $"truncated or corrupt gzip stream, or a wrong header: the header declares {shape}, {expected} bytes with the header, " +
                $"but the gzip trailer's length field says {(claimed is { } c ? $"{c}" : "nothing (the file is too short to have one)")} (mod 2^32)");
        }
    }

    /// <summary>Reads exactly <paramref name="payloadBytes"/> after the header, chunk by chunk, and checks that nothing follows.</summary>
    public byte[] ReadPayload(int payloadBytes, string what, string shape) => Guard(() =>
    {
        var chunks = new List<byte[]>();
        long filled = 0;
        while (filled < payloadBytes)
        {
            var chunk = new byte[Math.Min(ChunkBytes, payloadBytes - filled)];
            int read = stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            filled += read;
            if (read < chunk.Length) throw SizeError(filled, payloadBytes, what, shape);
            chunks.Add(chunk);
        }
        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) > 0) throw SizeError(payloadBytes + 1, payloadBytes, what, shape);
        if (chunks.Count == 1) return chunks[0];
        byte[] payload = GC.AllocateUninitializedArray<byte>(payloadBytes);
        for (int i = 0; i < chunks.Count; i++)
        {
            chunks[i].CopyTo(payload, (long)i * ChunkBytes);
            chunks[i] = [];
        }
        return payload;
    });

    private void ReadHeader(uint magic, int dimensions) => Guard(() =>
    {
        Span<byte> header = stackalloc byte[4 + 4 * dimensions];
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read >= 4)
        {
            uint found = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (found != magic)
            {
                throw IdxReader.Error(Path,
                    $"wrong magic number: expected 0x{magic:x8} ({IdxReader.DescribeMagic(magic)}), found 0x{found:x8} ({IdxReader.DescribeMagic(found, magic)})");
            }
        }
        if (read < header.Length) throw IdxReader.Error(Path, $"truncated IDX header: expected {header.Length} bytes, found {read}");
        var sizes = new uint[dimensions];
        for (int i = 0; i < dimensions; i++) sizes[i] = BinaryPrimitives.ReadUInt32BigEndian(header[(4 + 4 * i)..]);
        Dimensions = sizes;
        return 0;
    });

    private IdxFormatException SizeError(long found, long expected, string what, string shape)
    {
        string problem = found < expected ? "truncated file" : "unexpected trailing data";
        string count = found > expected && Gzipped ? $"more than {expected}" : $"{found}";
        string decompressed = Gzipped ? " (after gzip decompression)" : "";
        return IdxReader.Error(Path, $"{problem}: expected {expected} bytes of {what} ({shape}) after the {HeaderBytes}-byte header, found {count}{decompressed}");
    }

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (GzipIntegrityException e)
        {
            throw IdxReader.Error(Path, e.Message, e);
        }
        catch (InvalidDataException e) when (Gzipped)
        {
            // .NET reports every zlib data error (bad block, bad CRC, bad header) with the same
            // misleading "unsupported compression method" text, so it is not repeated here.
            throw IdxReader.Error(Path, "corrupt gzip stream: the compressed data or its checksum is invalid", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw IdxReader.Error(Path, $"cannot read file ({e.Message})", e);
        }
    }

    public void Dispose()
    {
        stream.Dispose();
        file.Dispose();
    }
}

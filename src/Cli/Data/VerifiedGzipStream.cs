using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace AdaptiveLR.Cli.Data;

/// <summary>
/// Decompresses a single-member gzip file (RFC 1952) and, at its end, checks what .NET's
/// <see cref="GZipStream"/> lets pass: it stops silently where a cut-short file ends, and it ignores
/// bytes after the compressed data unless they start another gzip member. The file's last eight
/// bytes must be the trailer of everything decompressed — CRC-32 and length mod 2^32 — and the
/// decompressor must have consumed the whole file. The decompressor is handed the file in large reads
/// that stop short of the last eight bytes and then one byte at a time, so a gzip member that ends
/// before the file does leaves bytes unread, whatever follows it. A failure is a <see cref="GzipIntegrityException"/>
/// whose message says what is wrong.
/// </summary>
public sealed class VerifiedGzipStream : Stream
{
    public const int TrailerBytes = 8;
    private const int MinimumFileBytes = 10 + TrailerBytes; // fixed header + trailer

    private readonly FileStream file;
    private readonly GZipStream gzip;
    private readonly Crc32 checksum = new();
    private long decompressed;
    private bool verified;

    public VerifiedGzipStream(FileStream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        this.file = file;
        gzip = new GZipStream(new TrailerPacedStream(file), CompressionMode.Decompress, leaveOpen: true);
    }

    /// <summary>The length mod 2^32 that the file's trailer claims, read without decompressing; null for a file too short to have one.</summary>
    public static uint? ClaimedLength(FileStream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Length < MinimumFileBytes) return null;
        long position = file.Position;
        Span<byte> size = stackalloc byte[4];
        file.Position = file.Length - 4;
        file.ReadExactly(size);
        file.Position = position;
        return BinaryPrimitives.ReadUInt32LittleEndian(size);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = gzip.Read(buffer);
        if (read > 0)
        {
            checksum.Append(buffer[..read]);
            decompressed += read;
        }
        else if (buffer.Length > 0 && !verified)
        {
            Verify();
            verified = true;
        }
        return read;
    }

    private void Verify()
    {
        if (file.Position != file.Length)
            throw new GzipIntegrityException($"unexpected data after the end of the gzip stream: the compressed data ends before the file's last {file.Length - file.Position} bytes");
        Span<byte> trailer = stackalloc byte[TrailerBytes];
        bool hasTrailer = file.Length >= MinimumFileBytes;
        if (hasTrailer)
        {
            file.Position = file.Length - TrailerBytes;
            file.ReadExactly(trailer);
        }
        if (!hasTrailer
            || BinaryPrimitives.ReadUInt32LittleEndian(trailer) != checksum.GetCurrentHashAsUInt32()
            || BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) != (uint)decompressed)
        {
            throw new GzipIntegrityException(
                $"truncated gzip stream or other data after it: the file does not end with the gzip trailer (CRC-32 and length) of its {decompressed} decompressed bytes (incomplete download?)");
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => decompressed; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) gzip.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Reads <paramref name="file"/> but never across the start of its last <see cref="VerifiedGzipStream.TrailerBytes"/> bytes, and those one at a time.</summary>
internal sealed class TrailerPacedStream(FileStream file) : Stream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long beforeTrailer = file.Length - VerifiedGzipStream.TrailerBytes - file.Position;
        int allowed = beforeTrailer > 0 ? (int)Math.Min(buffer.Length, beforeTrailer) : Math.Min(buffer.Length, 1);
        return file.Read(buffer[..allowed]);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => file.Position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A gzip file whose end is not its trailer: cut short, or followed by other data.</summary>
public sealed class GzipIntegrityException(string message) : IOException(message);

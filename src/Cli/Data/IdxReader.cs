using System.Buffers.Binary;
using System.IO.Compression;

namespace AdaptiveLR.Cli.Data;

/// <summary>
/// A labelled image dataset read from a pair of IDX files.
/// </summary>
/// <param name="Pixels">Count * Rows * Columns bytes, image after image, each image row-major.</param>
/// <param name="Labels">Count labels, each 0..9.</param>
public sealed record IdxDataset(byte[] Pixels, byte[] Labels, int Count, int Rows, int Columns);

/// <summary>The images of one IDX image file (magic 0x00000803).</summary>
/// <param name="Pixels">Count * Rows * Columns bytes, image after image, each image row-major.</param>
public sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Columns);

/// <summary>
/// Reads MNIST-style IDX files (http://yann.lecun.com/exdb/mnist/): big-endian headers,
/// unsigned-byte images (magic 0x00000803: count, rows, columns) and labels (magic 0x00000801:
/// count). Files may be raw or gzipped; gzip is detected by its 1f 8b magic bytes, not by the
/// file name. Every unusable input throws <see cref="IdxFormatException"/> with a one-line message.
/// </summary>
public static class IdxReader
{
    public const uint ImagesMagic = 0x00000803;
    public const uint LabelsMagic = 0x00000801;
    public const int MaxLabel = 9;

    private const int ImagesHeaderBytes = 16;
    private const int LabelsHeaderBytes = 8;
    private const int InitialBufferBytes = 1 << 20;

    /// <summary>The split names <see cref="LoadSplit"/> accepts.</summary>
    public static IReadOnlyList<string> Splits { get; } = ["train", "t10k"];

    /// <summary>Reads an IDX image file (raw or gzipped).</summary>
    public static IdxImages ReadImages(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ReadFile(path, (stream, gzipped) =>
        {
            Span<byte> header = stackalloc byte[ImagesHeaderBytes];
            ReadHeader(stream, path, gzipped, header, ImagesMagic);

            uint count = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            uint rows = BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
            uint columns = BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
            string shape = $"{count} x {rows} x {columns}";
            if (count == 0 || rows == 0 || columns == 0)
            {
                throw Error(path, $"zero dimension in header: count={count}, rows={rows}, columns={columns}");
            }

            // Checked in this order so that count * rows * columns cannot overflow.
            ulong pixelsPerImage = (ulong)rows * columns;
            if (pixelsPerImage > (ulong)Array.MaxLength || count > (ulong)Array.MaxLength / pixelsPerImage)
            {
                throw Error(path, $"header declares {shape} images, more pixel data than can be loaded");
            }

            int expected = (int)(count * pixelsPerImage);
            byte[] pixels = ReadPayload(stream, expected, out long found);
            if (found != expected)
            {
                throw SizeError(path, gzipped, found, expected, "pixel data", shape, ImagesHeaderBytes);
            }

            return new IdxImages(pixels, (int)count, (int)rows, (int)columns);
        });
    }

    /// <summary>Reads an IDX label file (raw or gzipped); every label must be 0..9.</summary>
    public static byte[] ReadLabels(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ReadFile(path, (stream, gzipped) =>
        {
            Span<byte> header = stackalloc byte[LabelsHeaderBytes];
            ReadHeader(stream, path, gzipped, header, LabelsMagic);

            uint count = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            if (count == 0)
            {
                throw Error(path, "zero dimension in header: count=0");
            }

            if (count > (uint)Array.MaxLength)
            {
                throw Error(path, $"header declares {count} labels, more than can be loaded");
            }

            byte[] labels = ReadPayload(stream, (int)count, out long found);
            if (found != count)
            {
                throw SizeError(path, gzipped, found, count, "label data", $"{count} labels", LabelsHeaderBytes);
            }

            int bad = Array.FindIndex(labels, label => label > MaxLabel);
            if (bad >= 0)
            {
                throw Error(path, $"label value {labels[bad]} at index {bad} is out of range 0..{MaxLabel}");
            }

            return labels;
        });
    }

    /// <summary>
    /// Loads the <paramref name="split"/> ("train" or "t10k") images and labels from
    /// <paramref name="folder"/>, accepting the names
    /// <c>{split}-images-idx3-ubyte</c>, <c>{split}-images-idx3-ubyte.gz</c>,
    /// <c>{split}-images.idx3-ubyte</c>, <c>{split}-images.idx3-ubyte.gz</c>
    /// (first found wins) and the matching <c>labels-idx1</c> names.
    /// </summary>
    public static IdxDataset LoadSplit(string folder, string split)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(split);
        if (!Splits.Contains(split))
        {
            throw new ArgumentOutOfRangeException(nameof(split), split, $"split must be one of: {string.Join(", ", Splits)}");
        }

        IReadOnlyList<string> imageNames = CandidateFileNames(split, "images", "idx3");
        IReadOnlyList<string> labelNames = CandidateFileNames(split, "labels", "idx1");

        if (!Directory.Exists(folder))
        {
            string what = File.Exists(folder) ? "is a file, not a dataset folder" : "dataset folder not found";
            throw Error(folder, $"{what} (looked for {string.Join(", ", imageNames.Concat(labelNames))})");
        }

        string imagesPath = FindFirst(folder, imageNames)
            ?? throw Error(folder, $"no {split} images file in folder (looked for {string.Join(", ", imageNames)})");
        string labelsPath = FindFirst(folder, labelNames)
            ?? throw Error(folder, $"no {split} labels file in folder (looked for {string.Join(", ", labelNames)})");

        IdxImages images = ReadImages(imagesPath);
        byte[] labels = ReadLabels(labelsPath);
        if (images.Count != labels.Length)
        {
            throw new IdxFormatException(
                $"{imagesPath}: image and label counts differ: {images.Count} images, but {labelsPath} has {labels.Length} labels");
        }

        return new IdxDataset(images.Pixels, labels, images.Count, images.Rows, images.Columns);
    }

    /// <summary>The file names <see cref="LoadSplit"/> looks for, in order of preference.</summary>
    /// <param name="kind">"images" or "labels".</param>
    /// <param name="idx">"idx3" for images, "idx1" for labels.</param>
    public static IReadOnlyList<string> CandidateFileNames(string split, string kind, string idx) =>
    [
        $"{split}-{kind}-{idx}-ubyte",
        $"{split}-{kind}-{idx}-ubyte.gz",
        $"{split}-{kind}.{idx}-ubyte",
        $"{split}-{kind}.{idx}-ubyte.gz",
    ];

    private static string? FindFirst(string folder, IReadOnlyList<string> names) =>
        names.Select(name => Path.Combine(folder, name)).FirstOrDefault(File.Exists);

    private static T ReadFile<T>(string path, Func<Stream, bool, T> read)
    {
        if (Directory.Exists(path))
        {
            throw Error(path, "is a folder, expected an IDX file");
        }

        if (!File.Exists(path))
        {
            throw Error(path, "file not found");
        }

        bool gzipped = false;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            Span<byte> signature = stackalloc byte[2];
            gzipped = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false) == 2
                && signature[0] == 0x1f && signature[1] == 0x8b;
            file.Position = 0;
            if (!gzipped)
            {
                return read(file, false);
            }

            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            return read(gzip, true);
        }
        catch (InvalidDataException ex) when (gzipped)
        {
            // .NET reports every zlib data error (bad block, bad CRC, bad header) with the same
            // misleading "unsupported compression method" text, so it is not repeated here.
            throw Error(path, "corrupt gzip stream: the compressed data or its checksum is invalid", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Error(path, $"cannot read file ({ex.Message})", ex);
        }
    }

    private static void ReadHeader(Stream stream, string path, bool gzipped, Span<byte> header, uint expectedMagic)
    {
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read >= 4)
        {
            uint magic = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (magic != expectedMagic)
            {
                throw Error(path,
                    $"wrong magic number: expected 0x{expectedMagic:x8} ({DescribeMagic(expectedMagic)}), " +
                    $"found 0x{magic:x8} ({DescribeMagic(magic, expectedMagic)})");
            }
        }

        if (read < header.Length)
        {
            throw TruncatedGzipError(path, gzipped, read)
                ?? Error(path, $"truncated IDX header: expected {header.Length} bytes, found {read}");
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="expected"/> bytes, growing the buffer as data arrives (so a
    /// corrupt header cannot make us allocate gigabytes for a tiny file), then counts any
    /// trailing bytes. <paramref name="found"/> is the total number of bytes after the header.
    /// </summary>
    private static byte[] ReadPayload(Stream stream, int expected, out long found)
    {
        byte[] buffer = new byte[Math.Min(expected, InitialBufferBytes)];
        int filled = 0;
        while (filled < expected)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(expected, 2L * buffer.Length));
            }

            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0)
            {
                found = filled;
                return buffer;
            }

            filled += n;
        }

        long trailing = 0;
        byte[] scratch = new byte[1 << 16];
        int k;
        while ((k = stream.Read(scratch, 0, scratch.Length)) > 0)
        {
            trailing += k;
        }

        found = filled + trailing;
        return buffer;
    }

    private static IdxFormatException SizeError(
        string path, bool gzipped, long found, long expected, string what, string shape, int headerBytes)
    {
        if (found < expected && TruncatedGzipError(path, gzipped, headerBytes + found) is { } gzipError)
        {
            return gzipError;
        }

        string problem = found < expected ? "truncated file" : "unexpected trailing data";
        string decompressed = gzipped ? " (after gzip decompression)" : "";
        return Error(path,
            $"{problem}: expected {expected} bytes of {what} ({shape}) after the {headerBytes}-byte header, found {found}{decompressed}");
    }

    /// <summary>
    /// GZipStream silently stops at the end of a cut-short .gz file instead of throwing. When the
    /// decompressed data ran out early, this tells a cut-short gzip stream apart from a complete
    /// gzip of a short IDX file: a complete (single-member) gzip stream ends with ISIZE, the
    /// decompressed length mod 2^32, which then equals what was decompressed. Returns null when the
    /// file is not gzipped or its trailer matches (the IDX content itself is short).
    /// </summary>
    private static IdxFormatException? TruncatedGzipError(string path, bool gzipped, long decompressed)
    {
        if (!gzipped)
        {
            return null;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        Span<byte> isize = stackalloc byte[4];
        if (file.Length >= 18) // 10-byte gzip header + 8-byte trailer
        {
            file.Position = file.Length - 4;
            if (file.ReadAtLeast(isize, 4, throwOnEndOfStream: false) == 4
                && BinaryPrimitives.ReadUInt32LittleEndian(isize) == (uint)decompressed)
            {
                return null;
            }
        }

        return Error(path,
            $"truncated or corrupt gzip stream: it ends after {decompressed} decompressed bytes without a matching gzip trailer (incomplete download?)");
    }

    private static string DescribeMagic(uint magic, uint? expected = null)
    {
        if (expected is { } e && BinaryPrimitives.ReverseEndianness(magic) == e)
        {
            return "byte order reversed: IDX headers are big-endian";
        }

        if (magic >> 16 != 0)
        {
            return "not an IDX file";
        }

        int dimensions = (int)(magic & 0xff);
        string type = ((magic >> 8) & 0xff) switch
        {
            0x08 => "unsigned bytes",
            0x09 => "signed bytes",
            0x0b => "16-bit integers",
            0x0c => "32-bit integers",
            0x0d => "32-bit floats",
            0x0e => "64-bit floats",
            _ => "unknown data type",
        };
        string hint = magic switch
        {
            ImagesMagic => ", an image file",
            LabelsMagic => ", a label file",
            _ => "",
        };
        return $"IDX {type}, {dimensions} dimension{(dimensions == 1 ? "" : "s")}{hint}";
    }

    private static IdxFormatException Error(string path, string problem, Exception? inner = null)
    {
        string message = OneLine($"{path}: {problem}");
        return inner is null ? new IdxFormatException(message) : new IdxFormatException(message, inner);
    }

    private static string OneLine(string text) =>
        text.ReplaceLineEndings(" ");
}

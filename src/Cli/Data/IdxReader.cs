using System.Buffers.Binary;

namespace AdaptiveLR.Cli.Data;

/// <summary>
/// A labelled image dataset read from a pair of IDX files.
/// </summary>
/// <param name="Pixels">Count * Rows * Columns bytes, image after image, each image row-major.</param>
/// <param name="Labels">Count labels, each 0..9.</param>
public sealed record IdxDataset(byte[] Pixels, byte[] Labels, int Count, int Rows, int Columns);

/// <summary>
/// Reads MNIST-style IDX files (http://yann.lecun.com/exdb/mnist/): big-endian headers,
/// unsigned-byte images (magic 0x00000803: count, rows, columns) and labels (magic 0x00000801:
/// count). Files may be raw or gzipped (a single gzip member whose trailer is verified). Both
/// headers of a split are read and checked against each other, against the files' lengths and
/// against a limit on the data's size before any payload is read; payloads are then read in bounded
/// chunks. Every unusable input throws <see cref="IdxFormatException"/> with a one-line message.
/// </summary>
public static class IdxReader
{
    public const uint ImagesMagic = 0x00000803;
    public const uint LabelsMagic = 0x00000801;
    public const int MaxLabel = 9;

    /// <summary>
    /// The most decompressed IDX data (images and labels of both splits) a dataset may hold unless the
    /// user raises it: 1 GiB, twenty times full MNIST or Fashion-MNIST (55 MB). Memory while loading is
    /// at most about twice this.
    /// </summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>Where a user raises <see cref="DefaultMaxBytes"/>, for messages.</summary>
    public const string MaxBytesSetting = "--max-data-bytes (configuration key Data:MaxBytes)";

    /// <summary>The split names <see cref="LoadSplit"/> accepts.</summary>
    public static IReadOnlyList<string> Splits { get; } = ["train", "t10k"];

    /// <summary>
    /// Loads the <paramref name="split"/> ("train" or "t10k") images and labels from
    /// <paramref name="folder"/>, accepting the names
    /// <c>{split}-images-idx3-ubyte</c>, <c>{split}-images-idx3-ubyte.gz</c>,
    /// <c>{split}-images.idx3-ubyte</c>, <c>{split}-images.idx3-ubyte.gz</c>
    /// (first found wins) and the matching <c>labels-idx1</c> names.
    /// </summary>
    /// <param name="maxBytes">The limit on the decompressed size of everything loaded, this split and <paramref name="alreadyLoaded"/> together.</param>
    /// <param name="alreadyLoaded">Bytes of the dataset's other splits, loaded before this one.</param>
    public static IdxDataset LoadSplit(string folder, string split, long maxBytes = DefaultMaxBytes, long alreadyLoaded = 0)
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

        using var images = IdxFile.Open(imagesPath, ImagesMagic, dimensions: 3);
        using var labels = IdxFile.Open(labelsPath, LabelsMagic, dimensions: 1);
        var (count, rows, columns) = (images.Dimensions[0], images.Dimensions[1], images.Dimensions[2]);
        if (count == 0 || rows == 0 || columns == 0)
            throw Error(imagesPath, $"zero dimension in header: count={count}, rows={rows}, columns={columns}");
        if (labels.Dimensions[0] == 0) throw Error(labelsPath, "zero dimension in header: count=0");
        if (labels.Dimensions[0] != count)
        {
            throw new IdxFormatException(OneLine(
                $"{imagesPath}: image and label counts differ: {count} images, but {labelsPath} has {labels.Dimensions[0]} labels"));
        }

        string shape = $"{count} x {rows} x {columns}";
        UInt128 pixelBytes = (UInt128)count * rows * columns;
        UInt128 total = pixelBytes + count;
        if (total + (ulong)alreadyLoaded > (ulong)maxBytes)
        {
            string others = alreadyLoaded > 0 ? $"; with the {alreadyLoaded:N0} bytes of the splits before it that is" : ", which is";
            throw Error(imagesPath,
                $"the headers declare {shape} images and {count} labels, {total:N0} bytes of data{others} over the limit of {maxBytes:N0} bytes; " +
                $"if the data is genuine, raise the limit with {MaxBytesSetting}");
        }
        if (pixelBytes > (ulong)Array.MaxLength)
            throw Error(imagesPath, $"header declares {shape} images, more pixel data than one array can hold ({Array.MaxLength:N0} bytes)");

        images.CheckDeclaredLength((long)pixelBytes, "pixel data", shape);
        labels.CheckDeclaredLength(count, "label data", $"{count} labels");
        byte[] labelBytes = labels.ReadPayload((int)count, "label data", $"{count} labels");
        int bad = Array.FindIndex(labelBytes, label => label > MaxLabel);
        if (bad >= 0) throw Error(labelsPath, $"label value {labelBytes[bad]} at index {bad} is out of range 0..{MaxLabel}");
        byte[] pixels = images.ReadPayload((int)pixelBytes, "pixel data", shape);
        return new IdxDataset(pixels, labelBytes, (int)count, (int)rows, (int)columns);
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

    internal static string DescribeMagic(uint magic, uint? expected = null)
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

    internal static IdxFormatException Error(string path, string problem, Exception? inner = null)
    {
        string message = OneLine($"{path}: {problem}");
        return inner is null ? new IdxFormatException(message) : new IdxFormatException(message, inner);
    }

    private static string OneLine(string text) =>
        text.ReplaceLineEndings(" ");
}

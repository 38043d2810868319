using System.Buffers.Binary;
using System.IO.Compression;
using AdaptiveLR.Cli.Data;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>The IDX reader on the real embedded files and on every kind of corrupt file, directly and through <c>train --data</c>.</summary>
public sealed class IdxReaderTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    [Fact]
    public void TheEmbeddedDatasetIsFoundBesideTheToolAndHoldsRealDigits()
    {
        var train = IdxReader.LoadSplit(EmbeddedDataset.Folder, "train");
        var test = IdxReader.LoadSplit(EmbeddedDataset.Folder, "t10k");

        Assert.Equal((8000, 28, 28), (train.Count, train.Rows, train.Columns));
        Assert.Equal((2000, 28, 28), (test.Count, test.Rows, test.Columns));
        Assert.Equal(8000 * 28 * 28, train.Pixels.Length);
        Assert.Equal(Enumerable.Range(0, 10), train.Labels.Distinct().Order().Select(l => (int)l));
        // Handwritten digits: mostly background, some ink, a mean near MNIST's 0.1307 · 255.
        double mean = train.Pixels.Average(p => (double)p);
        Assert.InRange(mean, 25, 42);
        Assert.Contains(train.Pixels, p => p == 255);
    }

    [Fact]
    public void RawAndGzippedFilesReadTheSame()
    {
        WriteSplit("raw", "train", images: Images(3, 28, 28), labels: Labels(3), gzip: false);
        WriteSplit("gz", "train", images: Images(3, 28, 28), labels: Labels(3), gzip: true);
        var (raw, gz) = (IdxReader.LoadSplit(folder["raw"], "train"), IdxReader.LoadSplit(folder["gz"], "train"));
        Assert.Equal(raw.Pixels, gz.Pixels);
        Assert.Equal(raw.Labels, gz.Labels);
    }

    public static TheoryData<string, string> CorruptFiles() => new()
    {
        { "wrong-magic", "wrong magic number: expected 0x00000803" },
        { "byte-order", "byte order reversed" },
        { "truncated", "truncated file: expected 2352 bytes of pixel data" },
        { "truncated-gzip", "truncated or corrupt gzip stream" },
        { "gzip-missing-last-byte", "truncated or corrupt gzip stream" },
        { "gzip-without-trailer", "truncated or corrupt gzip stream" },
        { "gzip-trailing-garbage", "truncated or corrupt gzip stream" },
        { "gzip-trailing-zeros", "truncated or corrupt gzip stream" },
        { "gzip-large-trailing-garbage", "truncated or corrupt gzip stream" },
        { "gzip-garbage-then-a-copy-of-the-trailer", "unexpected data after the end of the gzip stream" },
        { "gzip-byte-then-a-copy-of-the-trailer", "unexpected data after the end of the gzip stream" },
        { "gzip-second-member", "truncated or corrupt gzip stream" },
        { "gzip-declares-more-than-it-holds", "or a wrong header: the header declares 2 x 28 x 28" },
        { "count-mismatch", "image and label counts differ: 3 images" },
        { "label-range", "label value 12 at index 1 is out of range 0..9" },
        { "header-only", "truncated IDX header" },
        { "missing-labels", "no train labels file in folder" },
    };

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void EveryCorruptFileIsOneLineNamingTheFileAndTheProblem(string corruption, string expected)
    {
        string dataset = Corrupt(corruption);
        var error = Assert.Throws<IdxFormatException>(() => IdxReader.LoadSplit(dataset, "train"));
        Assert.Contains(expected, error.Message);
        Assert.Contains(dataset, error.Message);
        Assert.DoesNotContain('\n', error.Message);

        string line = CliRun.Of("train", "--data", dataset, "--out", folder["out"]).FailedWithUsageError();
        Assert.Contains(expected, line);
    }

    [Fact]
    public void DataOverTheLimitIsRefusedNamingTheFileWhatItDeclaresAndHowToRaiseTheLimit()
    {
        WriteSplit("limit", "train", Images(3, 28, 28), Labels(3), gzip: true);
        WriteSplit("limit", "t10k", Images(3, 28, 28), Labels(3), gzip: true);
        var error = Assert.Throws<IdxFormatException>(() => IdxReader.LoadSplit(folder["limit"], "train", maxBytes: 3 * 784 + 2));
        Assert.Contains(Path.Combine(folder["limit"], "train-images-idx3-ubyte.gz"), error.Message);
        Assert.Contains("declare 3 x 28 x 28 images and 3 labels, 2,355 bytes of data, which is over the limit of 2,354 bytes", error.Message);
        Assert.Contains("--max-data-bytes", error.Message);
        Assert.Equal(3, IdxReader.LoadSplit(folder["limit"], "train", maxBytes: 3 * 784 + 3).Count);

        // Both splits count: the test split is refused with what the train split already took.
        string line = CliRun.Of("train", "--data", folder["limit"], "--max-data-bytes", $"{2 * 3 * 785 - 1}", "--out", folder["out"]).FailedWithUsageError();
        Assert.Contains("t10k-images-idx3-ubyte.gz", line);
        Assert.Contains("with the 2,355 bytes of the splits before it", line);
        Assert.Contains("must be", CliRun.Of("config", "--max-data-bytes", "0").FailedWithUsageError() + " must be");
    }

    [Fact]
    public void AFashionMnistSizedDatasetLoadsUnderTheDefaultLimit()
    {
        // 60,000 + 10,000 images, as Fashion-MNIST and MNIST: 55 MB, far under the default 1 GiB.
        WriteSplit("full", "train", Images(60_000, 28, 28), Labels(60_000), gzip: true);
        WriteSplit("full", "t10k", Images(10_000, 28, 28), Labels(10_000), gzip: true);
        using var data = Cli.Training.TrainingData.Load(folder["full"], null, null);
        Assert.Equal((60_000, 10_000), (data.Train.Count, data.Test.Count));
        Assert.True(IdxReader.DefaultMaxBytes > 70_000L * 785 * 10);
    }

    [Fact]
    public void AMissingDataFolderIsAUsageError() =>
        Assert.Contains("dataset folder not found", CliRun.Of("train", "--data", folder["absent"], "--out", folder["out"]).FailedWithUsageError());

    [Fact]
    public void ImagesOfAnotherSizeAreAUsageErrorNamingTheSize()
    {
        WriteSplit("small", "train", Images(3, 8, 8), Labels(3), gzip: false);
        WriteSplit("small", "t10k", Images(3, 8, 8), Labels(3), gzip: false);
        Assert.Contains("images are 8x8; the model needs 28x28", CliRun.Of("train", "--data", folder["small"], "--out", folder["out"]).FailedWithUsageError());
    }

    public void Dispose() => folder.Dispose();

    private string Corrupt(string corruption)
    {
        byte[] images = Images(3, 28, 28), labels = Labels(3);
        switch (corruption)
        {
            case "wrong-magic": BinaryPrimitives.WriteUInt32BigEndian(images, 0x00000801); break;
            case "byte-order": BinaryPrimitives.WriteUInt32LittleEndian(images, 0x00000803); break;
            case "truncated": images = images[..^100]; break;
            case "truncated-gzip": WriteSplit(corruption, "train", images, labels, gzip: true, cutGzip: true); return folder[corruption];
            case "gzip-missing-last-byte": return GzipSplit(corruption, Gzip(images)[..^1], labels);
            case "gzip-without-trailer": return GzipSplit(corruption, Gzip(images)[..^8], labels);
            case "gzip-trailing-garbage": return GzipSplit(corruption, [.. Gzip(images), .. "garbage"u8], labels);
            case "gzip-trailing-zeros": return GzipSplit(corruption, [.. Gzip(images), 0, 0, 0, 0], labels);
            case "gzip-large-trailing-garbage": return GzipSplit(corruption, [.. Gzip(images), .. new byte[300_000]], labels);
            case "gzip-garbage-then-a-copy-of-the-trailer": return GzipSplit(corruption, [.. Gzip(images), .. new byte[300_000], .. Gzip(images)[^8..]], labels);
            case "gzip-byte-then-a-copy-of-the-trailer": return GzipSplit(corruption, [.. Gzip(images), 7, .. Gzip(images)[^8..]], labels);
            case "gzip-second-member": return GzipSplit(corruption, [.. Gzip(images), .. Gzip([1, 2, 3])], labels);
            case "gzip-declares-more-than-it-holds":
                // The header says 2 images but the stream holds 3: the trailer agrees with the stream, so only reading finds it.
                BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), 2);
                labels = Labels(2);
                return GzipSplit(corruption, Gzip(images), labels);
            case "count-mismatch": labels = Labels(2); break;
            case "label-range": labels[8 + 1] = 12; break;
            case "header-only": images = images[..10]; break;
            case "missing-labels":
                Directory.CreateDirectory(folder[corruption]);
                File.WriteAllBytes(Path.Combine(folder[corruption], "train-images-idx3-ubyte"), images);
                return folder[corruption];
        }
        WriteSplit(corruption, "train", images, labels, gzip: false);
        return folder[corruption];
    }

    private void WriteSplit(string name, string split, byte[] images, byte[] labels, bool gzip, bool cutGzip = false)
    {
        Directory.CreateDirectory(folder[name]);
        Write(Path.Combine(folder[name], $"{split}-images-idx3-ubyte"), images, gzip, cutGzip);
        Write(Path.Combine(folder[name], $"{split}-labels-idx1-ubyte"), labels, gzip, cut: false);
    }

    private string GzipSplit(string name, byte[] compressedImages, byte[] labels)
    {
        Directory.CreateDirectory(folder[name]);
        File.WriteAllBytes(Path.Combine(folder[name], "train-images-idx3-ubyte.gz"), compressedImages);
        File.WriteAllBytes(Path.Combine(folder[name], "train-labels-idx1-ubyte.gz"), Gzip(labels));
        return folder[name];
    }

    private static byte[] Gzip(byte[] content)
    {
        var compressed = new MemoryStream();
        using (var stream = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) stream.Write(content);
        return compressed.ToArray();
    }

    private static void Write(string path, byte[] content, bool gzip, bool cut)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, content);
            return;
        }
        var compressed = new MemoryStream();
        using (var stream = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) stream.Write(content);
        byte[] bytes = compressed.ToArray();
        File.WriteAllBytes(path + ".gz", cut ? bytes[..(bytes.Length / 2)] : bytes);
    }

    private static byte[] Images(int count, int rows, int columns)
    {
        byte[] bytes = new byte[16 + count * rows * columns];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, IdxReader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (int i = 16; i < bytes.Length; i++) bytes[i] = (byte)(i * 7);
        return bytes;
    }

    private static byte[] Labels(int count)
    {
        byte[] bytes = new byte[8 + count];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, IdxReader.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        for (int i = 0; i < count; i++) bytes[8 + i] = (byte)(i % 10);
        return bytes;
    }
}

using System.Globalization;
using System.Text.Json;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary><c>train</c> on a small slice of the embedded data: the numbers, every artefact, resuming and determinism.</summary>
[Collection(SerialCollection.Name)]
public sealed class TrainEndToEndTests : IDisposable
{
    private static readonly string[] Slice = ["--limit-train", "1024", "--limit-test", "500"];
    private readonly TemporaryFolder folder = new();

    [Fact]
    public void TwoEpochsLowerTheLossAndWriteEveryArtefact()
    {
        var run = Train("run", "--epochs", "2", "--tensorboard", folder["tensorboard"]).Succeeded();
        Assert.Contains("wrote ", run.Output);

        var rows = MetricsRows(folder["run"]);
        Assert.Equal(2, rows.Count);
        Assert.True(rows[1]["train_loss"] < rows[0]["train_loss"], $"train loss {rows[0]["train_loss"]} → {rows[1]["train_loss"]}");
        Assert.True(rows[1]["test_loss"] < rows[0]["test_loss"], $"test loss {rows[0]["test_loss"]} → {rows[1]["test_loss"]}");
        Assert.True(rows[1]["test_accuracy"] > 0.5, $"accuracy {rows[1]["test_accuracy"]}");
        foreach (string layer in new[] { "conv1", "conv2", "fc1", "fc2" })
        {
            double p10 = rows[1][$"effective_lr_p10[{layer}]"], median = rows[1][$"effective_lr_median[{layer}]"], p90 = rows[1][$"effective_lr_p90[{layer}]"];
            Assert.True(0 < p10 && p10 <= median && median <= p90 && double.IsFinite(p90), $"{layer}: {p10} {median} {p90}");
        }

        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder["run"], "metrics.json")));
        Assert.Equal("adam", json.RootElement.GetProperty("optimizer").GetString());
        Assert.Equal(1024, json.RootElement.GetProperty("train_images").GetInt32());
        var epochs = json.RootElement.GetProperty("epochs");
        Assert.Equal(2, epochs.GetArrayLength());
        Assert.Equal(rows[1]["test_accuracy"], epochs[1].GetProperty("test_accuracy").GetDouble());
        Assert.True(epochs[1].GetProperty("effective_lr").GetProperty("fc2").GetProperty("median").GetDouble() > 0);

        foreach (string png in new[] { "training.png", "effective-lr.png" }) AssertPng(Path.Combine(folder["run"], png));
        Assert.True(new FileInfo(Path.Combine(folder["run"], "checkpoint.bin")).Length > 20_000);
        Assert.Empty(Directory.GetFiles(folder["run"], "*.tmp*"));

        var events = TensorBoardEvents.Read(Directory.GetFiles(folder["tensorboard"], "events.out.tfevents.*").Single());
        Assert.Equal(2 * 16, events.Count(e => e.Tag == "train/batch_loss"));
        Assert.Equal([1, 2], events.Where(e => e.Tag == "epoch/test_accuracy").Select(e => e.Step));
        Assert.Equal(2, events.Count(e => e.Tag == "effective_lr/conv1" && e.IsHistogram));
    }

    [Fact]
    public void ResumingContinuesExactlyAsOneRun()
    {
        Train("straight", "--epochs", "3").Succeeded();
        Train("resumed", "--epochs", "2").Succeeded();
        var resumed = Train("resumed", "--epochs", "3", "--resume").Succeeded();
        Assert.Contains("resumed after epoch 2", resumed.Output);

        Assert.Equal(Numbers(folder["straight"]), Numbers(folder["resumed"]));
    }

    [Fact]
    public void TheSameSeedGivesTheSameNumbersAndAnotherSeedOthers()
    {
        Train("first", "--epochs", "1").Succeeded();
        Train("second", "--epochs", "1").Succeeded();
        Train("other", "--epochs", "1", "--seed", "2").Succeeded();

        Assert.Equal(Numbers(folder["first"]), Numbers(folder["second"]));
        Assert.NotEqual(Numbers(folder["first"]), Numbers(folder["other"]));
    }

    [Fact]
    public void TorchSharpsBuiltinOptimizerTrainsTheSameModel()
    {
        var run = Train("torch", "--epochs", "1", "--impl", "torch").Succeeded();
        Assert.Contains("[torch]", run.Output);
        Assert.Contains("not recorded for TorchSharp's built-in optimizers", run.Output);
        Train("ours", "--epochs", "1").Succeeded();

        // Same initial weights, data order and dropout masks: the float32 arithmetic differs only in rounding.
        var (torch, ours) = (MetricsRows(folder["torch"])[0], MetricsRows(folder["ours"])[0]);
        Assert.Equal(ours["train_loss"], torch["train_loss"], 2e-3);
        Assert.False(File.Exists(Path.Combine(folder["torch"], "effective-lr.png")));
    }

    [Fact]
    public void ACheckpointOfAnotherModelOrOptimizerOrACorruptOneIsAUsageError()
    {
        Train("run", "--epochs", "1").Succeeded();
        string checkpoint = Path.Combine(folder["run"], "checkpoint.bin");
        byte[] original = File.ReadAllBytes(checkpoint);

        string otherOptimizer = Train("run", "--epochs", "2", "--resume", "--optimizer", "sgd").FailedWithUsageError();
        Assert.Contains("from another run: its optimizer is adam(", otherOptimizer);
        string otherLr = Train("run", "--epochs", "2", "--resume", "--lr", "0.01").FailedWithUsageError();
        Assert.Contains("lr=0.001", otherLr);
        string otherSeed = Train("run", "--epochs", "2", "--resume", "--seed", "3").FailedWithUsageError();
        Assert.Contains("its seed is 1, this run's is 3", otherSeed);
        Assert.Equal(original, File.ReadAllBytes(checkpoint));

        byte[] otherModel = [.. original];
        int name = IndexOf(otherModel, "seed-cnn"u8.ToArray());
        "lenet-05"u8.CopyTo(otherModel.AsSpan(name));
        System.Security.Cryptography.SHA256.HashData(otherModel.AsSpan(0, otherModel.Length - 32)).CopyTo(otherModel.AsSpan(otherModel.Length - 32)); // a well-formed checkpoint of another model
        File.WriteAllBytes(checkpoint, otherModel);
        Assert.Contains("its model is lenet-05, this run's is seed-cnn", Train("run", "--epochs", "2", "--resume").FailedWithUsageError());

        File.WriteAllBytes(checkpoint, original[..(original.Length / 2)]);
        Assert.Contains("corrupt or truncated: its SHA-256 checksum does not match", Train("run", "--epochs", "2", "--resume").FailedWithUsageError());
        byte[] flipped = [.. original];
        flipped[flipped.Length / 2] ^= 0x10;
        File.WriteAllBytes(checkpoint, flipped);
        Assert.Contains("corrupt or truncated: its SHA-256 checksum does not match", Train("run", "--epochs", "2", "--resume").FailedWithUsageError());
        File.WriteAllText(checkpoint, "not a checkpoint");
        Assert.Contains("is not a checkpoint of this run", Train("run", "--epochs", "2", "--resume").FailedWithUsageError());
        Assert.Contains("no checkpoint at", Train("elsewhere", "--epochs", "2", "--resume").FailedWithUsageError());
    }

    [Fact]
    public void AdafactorTrainsResumesExactlyAndReportsEffectiveLearningRates()
    {
        Train("adafactor", "--epochs", "2", "--optimizer", "adafactor").Succeeded();
        Train("adafactor-resumed", "--epochs", "1", "--optimizer", "adafactor").Succeeded();
        Train("adafactor-resumed", "--epochs", "2", "--optimizer", "adafactor", "--resume").Succeeded();
        Assert.Equal(Numbers(folder["adafactor"]), Numbers(folder["adafactor-resumed"]));

        var rows = MetricsRows(folder["adafactor"]);
        Assert.True(rows[1]["train_loss"] < rows[0]["train_loss"], $"train loss {rows[0]["train_loss"]} → {rows[1]["train_loss"]}");
        foreach (string layer in new[] { "conv1", "conv2", "fc1", "fc2" })
        {
            double p10 = rows[1][$"effective_lr_p10[{layer}]"], p90 = rows[1][$"effective_lr_p90[{layer}]"];
            Assert.True(0 < p10 && p10 <= p90 && double.IsFinite(p90), $"{layer}: {p10} {p90}");
        }
    }

    [Fact]
    public void CompareRunsEveryOptimizerFromTheSameStart()
    {
        var run = CliRun.Of(["compare", "--optimizers", "sgd,adam,rmsprop", "--epochs", "1", "--out", folder["compare"], .. Slice]).Succeeded();
        string[] table = run.Output.Split('\n').SkipWhile(l => !l.StartsWith("rank", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["adam", "rmsprop", "sgd"], table[1..4].Select(row => row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Order());

        string[] csv = File.ReadAllLines(Path.Combine(folder["compare"], "comparison.csv"));
        Assert.Equal(4, csv.Length);
        AssertPng(Path.Combine(folder["compare"], "comparison.png"));

        // The same start: SGD's first epoch equals what `train` gives SGD.
        // (Its lr is the tuned default for the built-in problem, as the comparison printed.)
        Train("sgd", "--epochs", "1", "--optimizer", "sgd", "--lr", csv[1].Split(',')[1]).Succeeded();
        Assert.Equal(MetricsRows(folder["sgd"])[0]["test_loss"].ToString("R", CultureInfo.InvariantCulture), csv[1].Split(',')[^3]);
    }

    public void Dispose() => folder.Dispose();

    private CliRun Train(string output, params string[] args) => CliRun.Of(["train", "--out", folder[output], .. Slice, .. args]);

    /// <summary>metrics.csv without the wall-clock columns.</summary>
    private static string Numbers(string runFolder) =>
        string.Join('\n', File.ReadAllLines(Path.Combine(runFolder, "metrics.csv")).Select(line =>
        {
            string[] cells = line.Split(',');
            return string.Join(',', cells[..4].Concat(cells[6..]));
        }));

    private static List<Dictionary<string, double>> MetricsRows(string runFolder)
    {
        string[] lines = File.ReadAllLines(Path.Combine(runFolder, "metrics.csv"));
        string[] header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(line => line.Split(',').Select((cell, i) => (header[i], double.Parse(cell, CultureInfo.InvariantCulture))).ToDictionary(c => c.Item1, c => c.Item2))];
    }

    private static int IndexOf(byte[] bytes, byte[] part) =>
        Enumerable.Range(0, bytes.Length - part.Length).First(i => bytes.AsSpan(i, part.Length).SequenceEqual(part));

    private static void AssertPng(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000, $"{path}: {bytes.Length} bytes");
        Assert.Equal<byte>([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
    }
}

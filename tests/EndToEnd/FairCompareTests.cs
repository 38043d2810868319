using System.Globalization;
using System.Text.Json;
using AdaptiveLR.Cli.Compare;
using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.Training;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary><c>compare</c> over seeds, with tuning on a validation split and tuned defaults, on small slices.</summary>
[Collection(SerialCollection.Name)]
public sealed class FairCompareTests : IDisposable
{
    private static readonly string[] Slice = ["--limit-train", "384", "--limit-test", "100"];
    private readonly TemporaryFolder folder = new();

    /// <summary>Each run of a comparison equals <c>train</c> with that optimizer, lr and seed: the same initial weights per seed, whatever the optimizer.</summary>
    [Fact]
    public void EachSeedsRunEqualsTrainFromTheSameSeed()
    {
        CliRun.Of(["compare", "--optimizers", "adam,sgd", "--model", "logreg", "--epochs", "2", "--seeds", "3,5", "--out", folder["compare"], .. Slice]).Succeeded();
        var rows = Csv(Path.Combine(folder["compare"], "comparison.csv"));
        Assert.Equal(2 * 2 * 2, rows.Count);
        foreach (var (optimizer, seed) in new[] { ("adam", "3"), ("sgd", "5") })
        {
            string lr = rows.First(r => r["optimizer"] == optimizer)["lr"];
            CliRun.Of(["train", "--optimizer", optimizer, "--lr", lr, "--model", "logreg", "--epochs", "2", "--seed", seed, "--out", folder[$"train-{optimizer}"], .. Slice]).Succeeded();
            var trained = Csv(Path.Combine(folder[$"train-{optimizer}"], "metrics.csv"));
            var compared = rows.Where(r => r["optimizer"] == optimizer && r["seed"] == seed).ToList();
            foreach (string column in new[] { "train_loss", "test_loss", "test_accuracy" })
                Assert.Equal(trained.Select(r => r[column]), compared.Select(r => r[column]));
        }
    }

    [Fact]
    public void SeedsGiveMeanAndSpreadAndKeepEveryRun()
    {
        var run = CliRun.Of(["compare", "--optimizers", "adam", "--model", "logreg", "--epochs", "2", "--seeds", "1,2,3", "--out", folder["seeds"], .. Slice]).Succeeded();
        Assert.Contains("over 3 seeds", run.Output);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder["seeds"], "comparison.json")));
        var adam = json.RootElement.GetProperty("optimizers")[0];
        var runs = adam.GetProperty("runs");
        Assert.Equal(3, runs.GetArrayLength());
        double[] finals = [.. runs.EnumerateArray().Select(r => r.GetProperty("epochs")[1].GetProperty("test_accuracy").GetDouble())];
        var stats = MeanStd.Of(finals);
        Assert.Equal(stats.Mean, adam.GetProperty("final_test_accuracy").GetProperty("mean").GetDouble(), 1e-12);
        Assert.Equal(stats.Std, adam.GetProperty("final_test_accuracy").GetProperty("std").GetDouble(), 1e-12);
        Assert.True(stats.Std > 0, "three seeds of different initial weights should not agree to the last digit");
        Assert.Contains($"{(100 * stats.Mean).ToString("0.00", CultureInfo.InvariantCulture)} ± {(100 * stats.Std).ToString("0.00", CultureInfo.InvariantCulture)}%", run.Output);
        Assert.True(new FileInfo(Path.Combine(folder["seeds"], "comparison.png")).Length > 10_000);
    }

    /// <summary>The tuning reads only the training split: changing the test split changes nothing about it.</summary>
    [Fact]
    public void TuningNeverReadsTheTestSet()
    {
        string Tuning(string limitTest, string name)
        {
            var run = CliRun.Of("compare", "--optimizers", "sgd", "--model", "logreg", "--epochs", "1", "--tune-lr", "0.01,0.1,1", "--limit-train", "384", "--limit-test", limitTest, "--out", folder[name]).Succeeded();
            return run.Output.Split('\n').Single(l => l.StartsWith("sgd: grid", StringComparison.Ordinal));
        }
        string first = Tuning("100", "a");
        Assert.Equal(first, Tuning("37", "b"));
        Assert.Matches(@"-> lr 1\.00e-0[0-2]", first);
    }

    [Fact]
    public void ValidationSplitIsCarvedFromTheTrainingSetAndDisjoint()
    {
        using var data = TrainingData.Load(null, 500, 10);
        using var split = data.WithValidationSplit();
        Assert.Equal(500, split.Train.Count + split.Test.Count);
        Assert.Equal(100, split.Test.Count);
        using var all = data.Train.Inputs(0, 500);
        using var train = split.Train.Inputs(0, split.Train.Count);
        using var validation = split.Test.Inputs(0, split.Test.Count);
        // Each image of either part is an image of the training split, and none is in both.
        var rows = Enumerable.Range(0, 500).Select(i => Key(all, i)).ToList();
        var trainKeys = Enumerable.Range(0, split.Train.Count).Select(i => Key(train, i)).ToList();
        var validationKeys = Enumerable.Range(0, split.Test.Count).Select(i => Key(validation, i)).ToList();
        Assert.All(trainKeys.Concat(validationKeys), k => Assert.Contains(k, rows));
        Assert.Empty(trainKeys.Intersect(validationKeys));
    }

    [Fact]
    public void DefaultCompareUsesTunedDefaultsUnlessTheConfigurationSetsTheLr()
    {
        var run = CliRun.Of(["compare", "--optimizers", "sgd,rmsprop", "--epochs", "1", "--out", folder["defaults"], .. Slice]).Succeeded();
        Assert.Contains($"sgd (lr {TunedDefaults.EmbeddedMnistCnn["sgd"].ToString("0.00e+00", CultureInfo.InvariantCulture)}, tuned default)", run.Output);
        Assert.Contains("rmsprop (lr", run.Output);

        string config = folder["config.json"];
        File.WriteAllText(config, """{ "Optimizers": { "sgd": { "lr": 0.001 } } }""");
        var configured = CliRun.Of(["compare", "--optimizers", "sgd", "--epochs", "1", "--config", config, "--out", folder["configured"], .. Slice]).Succeeded();
        Assert.Contains("sgd (lr 1.00e-03, configured)", configured.Output);
        Assert.Contains("note: sgd ended near chance", configured.Output);
    }

    [Fact]
    public void TunedDefaultsApplyOnlyToTheBuiltInProblem()
    {
        var builtIn = new AdaptiveLRSettings();
        Assert.True(TunedDefaults.Apply(builtIn));
        Assert.False(TunedDefaults.Apply(builtIn with { Training = builtIn.Training with { Model = "mlp" } }));
        Assert.False(TunedDefaults.Apply(builtIn with { Data = new DataSettings { Folder = "/usr/share/datasets/fashion-mnist" } }));
        Assert.False(TunedDefaults.Apply(builtIn with { Training = builtIn.Training with { BatchSize = 128 } }));
        Assert.Equal(OptimizerNamesOfTheRegistry(), TunedDefaults.EmbeddedMnistCnn.Keys.Order());
    }

    [Theory]
    [InlineData("--seeds 1,x", "--seeds: 'x' is not allowed")]
    [InlineData("--seeds 1,1", "--seeds: seed 1 is given twice")]
    [InlineData("--seeds -1", "--seeds: '-1' is not allowed")]
    [InlineData("--tune-lr 0,0.1", "--tune-lr: 0 is not allowed")]
    [InlineData("--tune-lr abc", "--tune-lr: 'abc'")]
    [InlineData("--tune-epochs 0", "--tune-epochs: '0' is not allowed")]
    [InlineData("--problem nope", "nope")]
    [InlineData("--problem noisy-quadratic --data /tmp", "--data: --problem noisy-quadratic is synthetic")]
    public void BadInputIsOneLineAndExitTwo(string arguments, string expected)
    {
        string line = CliRun.Of(["compare", "--out", folder["bad"], .. arguments.Split(' ')]).FailedWithUsageError();
        Assert.Contains(expected, line);
    }

    /// <summary>The algorithms a tuned lr applies to: learning-rate-free ones keep lr 1.</summary>
    private static IEnumerable<string> OptimizerNamesOfTheRegistry() =>
        Pure.OptimizerRegistry.All.Where(d => !d.Defaults.LearningRateFree).Select(d => d.Name).Order();

    private static string Key(TorchSharp.torch.Tensor images, int row)
    {
        using var image = images[row];
        return string.Join(',', image.data<float>().ToArray());
    }

    private static List<Dictionary<string, string>> Csv(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(line => SplitCsv(line).Select((v, i) => (header[i], v)).ToDictionary(p => p.Item1, p => p.v))];
    }

    /// <summary>Comma-separated, with double-quoted fields that may hold commas.</summary>
    private static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString());
        return [.. fields];
    }

    public void Dispose() => folder.Dispose();
}

using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.LrFind;
using AdaptiveLR.Cli.Problems;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure;
using TorchSharp;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>The range test restores the model and optimizer bit for bit, for every algorithm, and its command's contract.</summary>
[Collection(SerialCollection.Name)]
public sealed class LrFindTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public static TheoryData<string> Algorithms => [.. OptimizerRegistry.Names];

    /// <summary>
    /// After one epoch (so the optimizer has state), a range test that diverges and leaves NaN weights
    /// behind is undone exactly: every weight, buffer and optimizer state byte is as before, and the
    /// next epoch gives the same numbers as a twin trainer that never ran the test.
    /// </summary>
    [Theory]
    [MemberData(nameof(Algorithms))]
    public void RestoresModelAndOptimizerExactly(string algorithm)
    {
        using var data = TrainingData.Load(null, 256, 64);
        var plan = new AdaptiveLRSettings { Training = new TrainingSettings { Model = algorithm == "adam" ? "cnn" : "logreg" } }.PlanFor(OptimizerRegistry.Find(algorithm)!.Defaults);
        using var tested = Trainer.Start(plan, data);
        using var twin = Trainer.Start(plan, data);
        // The trainers share torch's generator (dropout): each epoch starts both from the same state.
        torch.manual_seed(7);
        tested.RunEpoch();
        torch.manual_seed(7);
        twin.RunEpoch();
        byte[] weights = Bytes(w => tested.Model.save(w)), state = Bytes(tested.Optimizer.save_state_dict), generator = Generator();

        var result = LrRangeTest.Run(tested, new LrRangeTestSettings(StartLr: 1e-4, EndLr: 1e6, Steps: 30));
        Assert.True(result.Points.Length >= 2);

        Assert.Equal(weights, Bytes(w => tested.Model.save(w)));
        Assert.Equal(state, Bytes(tested.Optimizer.save_state_dict));
        Assert.Equal(generator, Generator());
        // Every group (Muon splits the model into its orthogonalised and AdamW groups) is back at the plan's lr.
        Assert.All(tested.Optimizer.ParamGroups, group => Assert.Equal(plan.Hyperparameters.Lr, group.LearningRate));
        torch.manual_seed(8);
        var next = tested.RunEpoch();
        torch.manual_seed(8);
        Assert.Equal(twin.RunEpoch() with { Seconds = 0, DataSeconds = 0 }, next with { Seconds = 0, DataSeconds = 0 }, EpochComparer.Instance);
    }

    [Fact]
    public void RisingLearningRateFollowsTheExponentialSchedule()
    {
        var settings = new LrRangeTestSettings(StartLr: 1e-5, EndLr: 1, Steps: 11);
        Assert.Equal(1e-5, settings.LearningRate(0), 1e-12);
        Assert.Equal(1e-4, settings.LearningRate(2), 1e-12);
        Assert.Equal(1, settings.LearningRate(10), 1e-12);
    }

    [Fact]
    public void StopsWhenTheSmoothedLossExceedsFourTimesItsBest()
    {
        using var data = TrainingData.Load(null, 512, 64);
        var plan = new AdaptiveLRSettings().PlanFor(OptimizerRegistry.Find("sgd")!.Defaults);
        using var trainer = Trainer.Start(plan, data);
        var result = LrRangeTest.Run(trainer, new LrRangeTestSettings(StartLr: 1e-3, EndLr: 1e8, Steps: 100));
        Assert.True(result.Diverged);
        Assert.True(result.Points.Length < 100);
        var last = result.Points[^1];
        double best = result.Points.SkipLast(1).Min(p => p.SmoothedLoss);
        Assert.True(!double.IsFinite(last.SmoothedLoss) || last.SmoothedLoss > 4 * best, $"{last.SmoothedLoss} vs best {best}");
        Assert.All(result.Points.SkipLast(1), p => Assert.True(p.SmoothedLoss <= 4 * best));
    }

    [Fact]
    public void CommandPrintsTableAndSuggestionsAndDrawsThePlot()
    {
        string plot = folder["lr.png"];
        var run = CliRun.Of("lr-find", "--optimizer", "adam", "--limit-train", "640", "--limit-test", "10", "--steps", "40", "--start-lr", "1e-5", "--end-lr", "1", "--plot", plot).Succeeded();
        Assert.Contains("suggested lr: ", run.Output);
        Assert.Contains("<- minimum", run.Output);
        Assert.Contains("model and optimizer restored", run.Output);
        Assert.True(new FileInfo(plot).Length > 10_000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(plot)[..4]);
    }

    [Fact]
    public void JsonLinesCarryEveryPointAndTheSuggestions()
    {
        var run = CliRun.Of("lr-find", "--optimizer", "sgd", "--model", "logreg", "--limit-train", "640", "--limit-test", "10", "--steps", "20", "--format", "json").Succeeded();
        string[] lines = run.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(21, lines.Length);
        using var summary = System.Text.Json.JsonDocument.Parse(lines[^1]);
        Assert.True(summary.RootElement.TryGetProperty("suggested_lr_minimum_over_10", out _));
    }

    [Theory]
    [InlineData("--start-lr 0", "--start-lr: 0 is not allowed")]
    [InlineData("--start-lr 1e-3 --end-lr 1e-4", "--end-lr: 0.0001 is not allowed")]
    [InlineData("--steps 0", "--steps: '0' is not allowed")]
    [InlineData("--schedule cosine", "--schedule: lr-find sets the learning rate")]
    [InlineData("--problem two-moons --model cnn", "--model: 'cnn' does not fit --problem two-moons")]
    public void BadInputIsOneLineAndExitTwo(string arguments, string expected)
    {
        string line = CliRun.Of(["lr-find", .. arguments.Split(' ')]).FailedWithUsageError();
        Assert.Contains(expected, line);
    }

    private static byte[] Generator()
    {
        using var state = torch.get_rng_state();
        return state.bytes.ToArray();
    }

    private static byte[] Bytes(Action<BinaryWriter> save)
    {
        var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer)) save(writer);
        return buffer.ToArray();
    }

    public void Dispose() => folder.Dispose();
}

/// <summary>Epoch metrics compared bit for bit, the effective learning rates element by element.</summary>
public sealed class EpochComparer : IEqualityComparer<EpochMetrics>
{
    public static EpochComparer Instance { get; } = new();

    public bool Equals(EpochMetrics? x, EpochMetrics? y) =>
        x is not null && y is not null && x with { EffectiveLearningRates = [] } == y with { EffectiveLearningRates = [] }
        && x.EffectiveLearningRates.SequenceEqual(y.EffectiveLearningRates);

    public int GetHashCode(EpochMetrics obj) => obj.Epoch;
}

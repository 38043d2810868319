using System.Globalization;
using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Schedules;
using AdaptiveLR.Pure.Transforms;
using AdaptiveLR.Torch;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary><c>train --schedule …</c> and the gradient-transformation flags on a slice of the embedded data.</summary>
[Collection(SerialCollection.Name)]
public sealed class ScheduleAndTransformTests : IDisposable
{
    // 1,024 images in batches of 64: 16 steps per epoch.
    private static readonly string[] Slice = ["--limit-train", "1024", "--limit-test", "500"];
    private readonly TemporaryFolder folder = new();

    [Fact]
    public void TheLearningRateOfEachEpochFollowsAStepSchedule()
    {
        Train("step", "--epochs", "3", "--schedule", "step", "--step-size", "16", "--gamma", "0.5").Succeeded();
        Assert.Equal([0.001, 0.0005, 0.00025], Column(folder["step"], "lr"));
    }

    [Fact]
    public void OneCycleAndCosineRunOverAllStepsOfTheRun()
    {
        Train("cosine", "--epochs", "2", "--schedule", "cosine", "--min-lr", "0.0001").Succeeded();
        var schedule = new CosineSchedule(0.001, 32, 0.0001);
        Assert.Equal([schedule.LearningRate(0), schedule.LearningRate(16)], Column(folder["cosine"], "lr"));

        Train("one-cycle", "--epochs", "2", "--schedule", "one-cycle", "--optimizer", "sgd", "--lr", "0.1", "--momentum", "0.9").Succeeded();
        var cycle = new OneCycleSchedule(0.1, 32);
        Assert.Equal([cycle.LearningRate(0), cycle.LearningRate(16)], Column(folder["one-cycle"], "lr"));
    }

    [Fact]
    public void PlateauFromTheConfigurationReducesAfterTheTestLossStopsImproving()
    {
        string config = folder["plateau.json"];
        File.WriteAllText(config, """{ "Schedule": { "Name": "plateau", "Factor": 0.5, "Patience": 0 } }""");
        // SGD at a learning rate that makes the test loss bounce, so that the plateau rule has something to do.
        Train("plateau", "--epochs", "4", "--config", config, "--optimizer", "sgd", "--lr", "0.5").Succeeded();
        double[] testLoss = Column(folder["plateau"], "test_loss"), lr = Column(folder["plateau"], "lr");

        var rule = new ReduceOnPlateau(0.5, Factor: 0.5, Patience: 0);
        var state = rule.Initial;
        for (int epoch = 0; epoch < 4; epoch++)
        {
            Assert.Equal(state.LearningRate, lr[epoch]);
            state = rule.Update(state, testLoss[epoch]);
        }
    }

    [Fact]
    public void ResumingWithAScheduleAndTransformationsEqualsOneRun()
    {
        string[] plan = ["--schedule", "step", "--step-size", "10", "--gamma", "0.7", "--accumulate", "3", "--lookahead", "4", "--clip-grad-norm", "1"];
        Train("straight", ["--epochs", "3", .. plan]).Succeeded();
        Train("resumed", ["--epochs", "2", .. plan]).Succeeded();
        Train("resumed", ["--epochs", "3", "--resume", .. plan]).Succeeded();
        Assert.Equal(Numbers(folder["straight"]), Numbers(folder["resumed"]));

        string other = Train("resumed", ["--epochs", "4", "--resume", "--schedule", "step", "--step-size", "10", "--gamma", "0.7"]).FailedWithUsageError();
        Assert.Contains("its chain of gradient transformations is accumulate=3, clip_grad_norm=1, lookahead=4(alpha=0.5), this run's is none", other);
    }

    [Fact]
    public void TransformationsTrainAndLowerTheLoss()
    {
        var run = Train("chain", "--epochs", "2", "--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.9",
            "--clip-grad-norm", "1", "--clip-grad-value", "0.5", "--masked-weight-decay", "0.01", "--masked-weight-decay-mode", "l2", "--lookahead", "5", "--lookahead-alpha", "0.8").Succeeded();
        Assert.Contains("gradient transformations: clip_grad_value=0.5, clip_grad_norm=1, l2_weight_decay=0.01, lookahead=5(alpha=0.8)", run.Output);
        double[] trainLoss = Column(folder["chain"], "train_loss"), testLoss = Column(folder["chain"], "test_loss");
        Assert.True(trainLoss[1] < trainLoss[0], $"train loss {trainLoss[0]} → {trainLoss[1]}");
        Assert.True(testLoss[1] < testLoss[0], $"test loss {testLoss[0]} → {testLoss[1]}");

        // Clipping changes the numbers (the gradients of this CNN are larger than 0.05 at the start).
        Train("plain", "--epochs", "1", "--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.9").Succeeded();
        Train("clipped", "--epochs", "1", "--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.9", "--clip-grad-norm", "0.05").Succeeded();
        Assert.NotEqual(Column(folder["plain"], "train_loss"), Column(folder["clipped"], "train_loss"));
    }

    [Fact]
    public void TorchSharpsBuiltinOptimizerTakesClippingButNoOtherTransformation()
    {
        Train("torch-plain", "--epochs", "1", "--impl", "torch").Succeeded();
        var run = Train("torch-clipped", "--epochs", "1", "--impl", "torch", "--clip-grad-norm", "0.05", "--clip-grad-value", "0.01").Succeeded();
        Assert.Contains("gradient transformations: clip_grad_value=0.01, clip_grad_norm=0.05", run.Output);
        Assert.NotEqual(Column(folder["torch-plain"], "train_loss"), Column(folder["torch-clipped"], "train_loss"));

        // The same clipping through our chain: the same numbers up to float32 rounding.
        Train("ours-clipped", "--epochs", "1", "--clip-grad-norm", "0.05", "--clip-grad-value", "0.01").Succeeded();
        Assert.Equal(Column(folder["ours-clipped"], "train_loss")[0], Column(folder["torch-clipped"], "train_loss")[0], 2e-3);

        Assert.Contains("--lookahead: not available with --impl torch", Train("torch-lookahead", "--impl", "torch", "--lookahead", "5").FailedWithUsageError());
    }

    [Fact]
    public void AccumulatingKBatchesMakesOneUpdateOfKBatches()
    {
        using var data = TrainingData.Load(null, 1024, 100);
        var settings = new AdaptiveLRSettings();
        foreach (int k in new[] { 1, 4 })
        {
            var plan = settings.PlanFor(new AdamHyperparameters()) with { Transforms = k > 1 ? [new AccumulateGradients(k)] : [] };
            using var trainer = Trainer.Start(plan, data);
            trainer.RunEpoch();
            var optimizer = Assert.IsType<AdaptiveOptimizer>(trainer.Optimizer);
            Assert.All(optimizer.States, state => Assert.Equal(16 / k, state.Step));
        }
    }

    [Fact]
    public void AWarmUpLongerThanTheRunIsAUsageErrorNamingTheRunsSteps() =>
        Assert.Contains("--warmup: 100 is out of range; allowed: an integer in [0, steps) (this run has 32 steps)",
            Train("warmup", "--epochs", "2", "--schedule", "warmup-cosine", "--warmup", "100").FailedWithUsageError());

    public void Dispose() => folder.Dispose();

    private CliRun Train(string output, params string[] args) => CliRun.Of(["train", "--out", folder[output], .. Slice, .. args]);

    internal static double[] Column(string runFolder, string name)
    {
        string[] lines = File.ReadAllLines(Path.Combine(runFolder, "metrics.csv"));
        int index = Array.IndexOf(lines[0].Split(','), name);
        Assert.True(index >= 0, $"no column {name} in {lines[0]}");
        return [.. lines.Skip(1).Select(line => double.Parse(line.Split(',')[index], CultureInfo.InvariantCulture))];
    }

    /// <summary>metrics.csv without the wall-clock columns.</summary>
    internal static string Numbers(string runFolder) =>
        string.Join('\n', File.ReadAllLines(Path.Combine(runFolder, "metrics.csv")).Select(line =>
        {
            string[] cells = line.Split(',');
            return string.Join(',', cells[..4].Concat(cells[6..]));
        }));
}

using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Transforms;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// <c>--nonfinite error|skip</c>: a NaN loss or gradient (injected with the hidden
/// <c>--inject-fault</c>) never reaches the model or the optimizer's state.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class NonFiniteTrainingTests : IDisposable
{
    // 512 images in batches of 64: 8 steps per epoch.
    private static readonly string[] Slice = ["--limit-train", "512", "--limit-test", "256"];
    private readonly TemporaryFolder folder = new();

    [Theory]
    [InlineData("ours", "gradient", "the gradient of parameter 'conv1.weight'")]
    [InlineData("torch", "gradient", "the gradient of parameter 'conv1.weight'")]
    [InlineData("ours", "loss", "the loss")]
    [InlineData("torch", "loss", "the loss")]
    public void UnderErrorTheRunStopsWithOneLineNamingWhatAndTheStepAndTheCheckpointStaysIntact(string impl, string where, string what)
    {
        Train("run", "--epochs", "1", "--impl", impl).Succeeded();
        string checkpoint = Path.Combine(folder["run"], "checkpoint.bin");
        byte[] before = File.ReadAllBytes(checkpoint);

        var failed = Train("run", "--epochs", "2", "--resume", "--impl", impl, "--inject-fault", $"{where}:11");
        Assert.Equal(1, failed.ExitCode);
        string line = Assert.Single(failed.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"adaptivelr: step 11 (epoch 2): {what} is not finite", line);
        Assert.DoesNotContain("   at ", failed.Error);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));

        Train("run", "--epochs", "2", "--resume", "--impl", impl).Succeeded();
    }

    [Theory]
    [InlineData("ours", "gradient")]
    [InlineData("ours", "loss")]
    [InlineData("torch", "gradient")]
    public void UnderSkipTheStepIsSkippedAndCounted(string impl, string where)
    {
        var run = Train("skip", "--epochs", "2", "--impl", impl, "--nonfinite", "skip", "--inject-fault", $"{where}:3").Succeeded();
        Assert.Contains("skipped 1 step whose loss or gradient was not finite", run.Output);
        Assert.Equal([1, 0], ScheduleAndTransformTests.Column(folder["skip"], "skipped_steps"));
        Assert.All(ScheduleAndTransformTests.Column(folder["skip"], "test_loss"), loss => Assert.True(double.IsFinite(loss)));
    }

    [Theory]
    [InlineData("ours", false)]
    [InlineData("ours", true)]
    [InlineData("torch", false)]
    public void AfterASkippedStepTheModelAndOptimizerStateEqualTheStateBeforeIt(string impl, bool inLoss)
    {
        using var data = TrainingData.Load(null, 512, 64);
        var plan = new AdaptiveLRSettings().PlanFor(new AdamHyperparameters()) with { Implementation = impl, NonFinite = NonFinitePolicy.Skip };
        using var trainer = Trainer.Start(plan, data, new InjectedFault(inLoss, Step: 5));
        var states = new Dictionary<long, byte[]>();
        var metrics = trainer.RunEpoch((step, _) => states[step] = State(trainer));

        Assert.Equal(1, metrics.SkippedSteps);
        Assert.Equal(states[4], states[5]);
        Assert.NotEqual(states[5], states[6]);
    }

    /// <summary>The model's weights and the optimizer's whole state, as bytes.</summary>
    private static byte[] State(Trainer trainer)
    {
        using var memory = new MemoryStream();
        using var writer = new BinaryWriter(memory);
        trainer.Model.save(writer);
        trainer.Optimizer.save_state_dict(writer);
        writer.Flush();
        return memory.ToArray();
    }

    public void Dispose() => folder.Dispose();

    private CliRun Train(string output, params string[] args) => CliRun.Of(["train", "--out", folder[output], .. Slice, .. args]);
}

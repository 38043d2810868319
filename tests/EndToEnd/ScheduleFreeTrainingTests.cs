using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Torch;
using TorchSharp;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// Schedule-Free in <c>train</c>: every evaluation and every checkpoint at x (the authors' eval()), every step at y
/// (train()); the checkpoint records the view, and resuming continues bit for bit.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ScheduleFreeTrainingTests : IDisposable
{
    private static readonly string[] Slice = ["--limit-train", "1024", "--limit-test", "500"];
    private readonly TemporaryFolder folder = new();

    [Theory]
    [InlineData("schedulefree-adamw", "--warmup-steps", "5")]
    [InlineData("schedulefree-sgd", "--lr", "0.5")]
    public void ResumingContinuesExactlyAsOneRun(string optimizer, string option, string value)
    {
        Train("straight", "--epochs", "3", "--optimizer", optimizer, option, value).Succeeded();
        Train("resumed", "--epochs", "2", "--optimizer", optimizer, option, value).Succeeded();
        var resumed = Train("resumed", "--epochs", "3", "--optimizer", optimizer, option, value, "--resume").Succeeded();
        Assert.Contains("resumed after epoch 2", resumed.Output);
        Assert.Equal(Numbers(folder["straight"]), Numbers(folder["resumed"]));
        Assert.Equal(Checkpoint.Read(Path.Combine(folder["straight"], Checkpoint.FileName)).ModelWeights,
                     Checkpoint.Read(Path.Combine(folder["resumed"], Checkpoint.FileName)).ModelWeights);
    }

    /// <summary>
    /// The checkpoint's model is x and says so: a trainer resumed from it is in the evaluation view and evaluates to the
    /// epoch's test loss exactly; its next epoch (train() first) equals the next epoch of the trainer that wrote it.
    /// </summary>
    [Fact]
    public void TheCheckpointHoldsTheEvaluationPointAndContinuesBitForBit()
    {
        using var data = TrainingData.Load(null, 512, 200);
        var plan = new AdaptiveLRSettings().PlanFor(new ScheduleFreeAdamWHyperparameters(WarmupSteps: 4)) with { Epochs = 3 };
        string path = Path.Combine(folder["in-process"], Checkpoint.FileName);
        Directory.CreateDirectory(folder["in-process"]);
        using var writer = Trainer.Start(plan, data);
        writer.RunEpoch();
        var second = writer.RunEpoch();
        Checkpoint.Save(writer, path);
        using var generator = torch.get_rng_state();

        using var reader = Trainer.Start(plan, data);
        Checkpoint.Resume(reader, path);
        var resumed = Assert.IsType<AdaptiveOptimizer>(reader.Optimizer);
        Assert.True(resumed.InEvaluationView);
        // Evaluating moves nothing (the weights are x already) and gives the epoch's numbers, which were measured at x.
        var saved = Weights(reader);
        Assert.Equal((second.TestLoss, second.TestAccuracy), reader.Evaluate());
        Assert.Equal(saved, Weights(reader));

        torch.set_rng_state(generator);
        var next = writer.RunEpoch();
        torch.set_rng_state(generator);
        Assert.Equal(next with { Seconds = 0, DataSeconds = 0 }, reader.RunEpoch() with { Seconds = 0, DataSeconds = 0 }, EpochComparer.Instance);
        Assert.Equal(Weights(writer), Weights(reader));
    }

    /// <summary>compare trains Schedule-Free like train does: its first epoch equals train's (same start, same evaluations at x).</summary>
    [Fact]
    public void CompareEvaluatesAtXAsTrainDoes()
    {
        CliRun.Of(["compare", "--optimizers", "schedulefree-sgd,adam", "--epochs", "1", "--out", folder["compare"], .. Slice]).Succeeded();
        string[] row = File.ReadAllLines(Path.Combine(folder["compare"], "comparison.csv")).Single(line => line.StartsWith("schedulefree-sgd,", StringComparison.Ordinal)).Split(',');
        // Its lr is the tuned default for the built-in problem, as the comparison wrote it.
        Train("sgd-train", "--epochs", "1", "--optimizer", "schedulefree-sgd", "--lr", row[1]).Succeeded();
        string testLoss = File.ReadAllLines(Path.Combine(folder["sgd-train"], "metrics.csv"))[1].Split(',')[2];
        Assert.Equal(double.Parse(testLoss, System.Globalization.CultureInfo.InvariantCulture).ToString("R", System.Globalization.CultureInfo.InvariantCulture), row[^3]);
    }

    [Theory]
    [InlineData("--optimizer schedulefree-adamw --warmup-steps 2.5", "--warmup-steps: 2.5 is out of range; allowed: a whole number")]
    [InlineData("--optimizer schedulefree-sgd --momentum 0", "--momentum: 0 is out of range; allowed: a number in (0, 1)")]
    [InlineData("--optimizer schedulefree-adamw --beta1 1", "--beta1: 1 is out of range")]
    [InlineData("--optimizer schedulefree-adamw --r -1", "--r: -1 is out of range")]
    [InlineData("--optimizer schedulefree-adamw --inner-momentum 1", "--inner-momentum: 1 is out of range")]
    [InlineData("--optimizer adam --warmup-steps 10", "--warmup-steps does not apply to adam")]
    [InlineData("--optimizer schedulefree-sgd --inner-momentum 0.9", "--inner-momentum does not apply to schedulefree-sgd")]
    public void BadSettingsAreOneLineAndExitTwo(string arguments, string expected) =>
        Assert.Contains(expected, Train("bad", ["--epochs", "1", .. arguments.Split(' ')]).FailedWithUsageError());

    public void Dispose() => folder.Dispose();

    private CliRun Train(string output, params string[] args) => CliRun.Of(["train", "--out", folder[output], .. Slice, .. args]);

    private static byte[] Weights(Trainer trainer)
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) trainer.Model.save(writer);
        return stream.ToArray();
    }

    /// <summary>metrics.csv without the wall-clock columns (seconds, data_seconds).</summary>
    private static string Numbers(string runFolder) =>
        string.Join('\n', File.ReadAllLines(Path.Combine(runFolder, "metrics.csv")).Select(line =>
        {
            string[] cells = line.Split(',');
            return string.Join(',', cells[..4].Concat(cells[6..]));
        }));
}

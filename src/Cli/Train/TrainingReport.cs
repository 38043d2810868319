using System.Globalization;
using AdaptiveLR.Cli.Training;

namespace AdaptiveLR.Cli.Train;

/// <summary>What <c>train</c> prints for people: the run, a row per epoch as it completes, the effective learning rates, the files written.</summary>
public sealed class TrainingReport(TextWriter output)
{
    private const string RowFormat = "{0,5}  {1,10}  {2,9}  {3,8}  {4,9}";

    public void Start(Trainer trainer, int epochs)
    {
        var data = trainer.Data;
        output.WriteLine($"{Training.Models.ModelCatalog.Describe(trainer.Plan.Model, data)} on {data.Description}: {data.Train.Count} train, {data.Test.Count} test {data.ExampleNoun} (loaded in {Seconds(data.LoadTime.TotalSeconds)})");
        output.WriteLine($"{trainer.Plan.OptimizerDescription}, batch size {trainer.Plan.BatchSize}, seed {trainer.Plan.Seed}, {epochs} epochs");
        if (trainer.Plan.Schedule.Name != "constant") output.WriteLine($"learning-rate schedule {trainer.Schedule.Description}");
        if (!trainer.Plan.Transforms.IsEmpty) output.WriteLine($"gradient transformations: {trainer.Plan.TransformsDescription}");
        if (trainer.CompletedEpochs > 0) output.WriteLine($"resumed after epoch {trainer.CompletedEpochs}");
        output.WriteLine(RowFormat, "epoch", "train loss", "test loss", "test acc", "time");
        foreach (var epoch in trainer.History) Epoch(epoch);
    }

    public void Epoch(EpochMetrics epoch) =>
        output.WriteLine(RowFormat, epoch.Epoch, Loss(epoch.TrainLoss), Loss(epoch.TestLoss), Percent(epoch.TestAccuracy), Seconds(epoch.Seconds));

    public void Finish(Trainer trainer, IEnumerable<string> files)
    {
        var last = trainer.History[^1];
        var best = trainer.History.MaxBy(e => e.TestAccuracy)!;
        long skipped = trainer.History.Sum(e => e.SkippedSteps);
        if (skipped > 0) output.WriteLine($"skipped {skipped} steps whose loss or gradient was not finite (--nonfinite skip)");
        output.WriteLine($"final test accuracy {Percent(last.TestAccuracy)} (best {Percent(best.TestAccuracy)} after epoch {best.Epoch}), test loss {Loss(last.TestLoss)}");
        if (last.EffectiveLearningRates.Length > 0)
        {
            output.WriteLine($"effective learning rate after epoch {last.Epoch}:");
            output.WriteLine("{0,-6}  {1,10}  {2,10}  {3,10}", "layer", "p10", "median", "p90");
            foreach (var layer in last.EffectiveLearningRates)
                output.WriteLine("{0,-6}  {1,10}  {2,10}  {3,10}", layer.Layer, Rate(layer.P10), Rate(layer.Median), Rate(layer.P90));
        }
        else
        {
            output.WriteLine("effective learning rate: not recorded for TorchSharp's built-in optimizers (--impl torch)");
        }
        output.WriteLine($"wrote {string.Join(", ", files)}");
    }

    public void Note(string line) => output.WriteLine(line);

    public static string Seconds(double seconds) => $"{seconds.ToString("0.00", CultureInfo.InvariantCulture)} s";

    private static string Loss(double loss) => loss.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => double.IsNaN(fraction) ? "—" : (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture) + "%";

    private static string Rate(double rate) => rate.ToString("0.000e+00", CultureInfo.InvariantCulture);
}

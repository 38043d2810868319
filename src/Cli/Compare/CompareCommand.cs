using System.CommandLine;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Train;
using AdaptiveLR.Cli.Training;

namespace AdaptiveLR.Cli.Compare;

/// <summary>
/// <c>adaptivelr compare</c>: trains the seed's CNN once per optimizer — the same data, seed and
/// initial weights for each, hyperparameters from the configuration — and sets the results side by side.
/// </summary>
public static class CompareCommand
{
    public static Command Create(TextWriter output)
    {
        var options = new TrainingOptions(hyperparameters: null, withOptimizerList: true);
        var command = new Command("compare", "Train the seed's CNN with several optimizers from the same initial weights; print a summary table and plot the curves over one another.");
        options.AddTo(command);
        command.SetAction(parsed =>
        {
            var settings = options.Load(parsed).Settings;
            foreach (string name in settings.Compare.OptimizerNames) OptimizerImplementation.EnsureAvailable(settings.PlanFor(settings.Optimizers[name]));
            string folder = OutputFolder.Prepare(settings.Output.Folder, "--out");
            using var data = TrainingData.Load(settings.Data.Folder, settings.Data.LimitTrain, settings.Data.LimitTest);
            var progress = new EpochProgress(EpochProgress.IsInteractive(output));
            int epochs = settings.Training.Epochs;
            output.WriteLine($"{SeedCnn.Name} on {data.Description}: {data.Train.Count} train, {data.Test.Count} test images; {epochs} epochs, batch size {settings.Training.BatchSize}, seed {settings.Training.Seed}, impl {settings.Training.Impl}");

            var results = new List<ComparisonResult>();
            foreach (string name in settings.Compare.OptimizerNames)
            {
                using var trainer = Trainer.Start(settings.PlanFor(settings.Optimizers[name]), data);
                while (trainer.CompletedEpochs < epochs)
                    progress.Run($"{name} epoch {trainer.CompletedEpochs + 1}/{epochs}", trainer.BatchesPerEpoch, batchDone => trainer.RunEpoch((_, _) => batchDone()));
                var result = new ComparisonResult(trainer.Plan, trainer.History);
                output.WriteLine($"{trainer.Plan.OptimizerDescription}: test accuracy {100 * result.Final.TestAccuracy:0.00}% after {epochs} epochs ({TrainingReport.Seconds(result.Seconds)})");
                results.Add(result);
            }

            ComparisonReport.WriteTable(results, output);
            ComparisonReport.WriteCsv(results, Path.Combine(folder, ComparisonReport.CsvName));
            ComparisonPlot.Save(results, data.Description, Path.Combine(folder, ComparisonPlot.FileName));
            string shown = Path.GetRelativePath(Environment.CurrentDirectory, folder);
            output.WriteLine($"wrote {Path.Combine(shown, ComparisonReport.CsvName)}, {Path.Combine(shown, ComparisonPlot.FileName)}");
            return CliApp.Success;
        });
        return command;
    }
}

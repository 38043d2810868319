using System.CommandLine;
using AdaptiveLR.Cli.Messages;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Problems;
using AdaptiveLR.Cli.Runs;
using AdaptiveLR.Cli.Train;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Cli.Training.Models;

namespace AdaptiveLR.Cli.Compare;

/// <summary>
/// <c>adaptivelr compare</c>: trains a problem's model once per optimizer and seed — the same data
/// and, for a seed, the same initial weights for each — at a learning rate tuned on a validation
/// split (<c>--tune-lr</c>), tuned beforehand for the built-in problem, or configured; and sets the
/// results side by side, mean ± std over the seeds.
/// </summary>
public static class CompareCommand
{
    public static Command Create(TextWriter output)
    {
        var options = new TrainingOptions(new HyperparameterOptions(withOptimizer: false), withOptimizerList: true);
        var fair = new FairComparisonOptions();
        var command = new Command("compare", "Train a model with several optimizers from the same initial weights (hyperparameter flags such as --lr apply to each), over one or more seeds, optionally tuning each learning rate on a validation split first; print a ranked table and plot the curves over one another.");
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the run an explicit --out holds (its files are removed first)" };
        options.AddTo(command);
        fair.AddTo(command);
        command.Options.Add(overwrite);
        command.SetAction(parsed =>
        {
            var effective = options.Load(parsed);
            var settings = effective.Settings;
            var (seeds, tuning) = fair.Read(parsed, settings.Training.Seed);
            TrainingThreads.Apply(settings.Training.Threads);
            foreach (string name in settings.Compare.OptimizerNames) OptimizerImplementation.EnsureAvailable(settings.PlanFor(settings.Optimizers[name]));
            using var data = ProblemCatalog.Load(settings.Training.Problem, settings.Data);
            foreach (string name in settings.Compare.OptimizerNames) Trainer.EnsureFits(settings.PlanFor(settings.Optimizers[name]), data);
            using var run = RunFolder.ForNewRun(settings.Output.Folder, parsed.GetValue(overwrite), "compare", "");
            string folder = run.FullPath;
            // Registered before the folder is announced: a signal after that line always gets its own line.
            using var stop = new ExitOnSignal(name => $"interrupted by {name}; a comparison is not resumable: {run.Shown} keeps only the files finished before the signal (its results are written at the end); run the same command again to compare anew", Console.Error);
            output.WriteLine($"run folder {run.Shown}");
            var progress = new EpochProgress(EpochProgress.IsInteractive(output));
            int epochs = settings.Training.Epochs;
            string model = ModelCatalog.Describe(ProblemCatalog.ModelOf(settings.Training), data);
            output.WriteLine($"{model} on {data.Description}: {data.Train.Count} train, {data.Test.Count} test {data.ExampleNoun}; {Counted.Of(epochs, "epoch")}, batch size {settings.Training.BatchSize}, seed{(seeds.Length == 1 ? "" : "s")} {string.Join(",", seeds)}, impl {settings.Training.Impl}");

            var results = new SeededComparison(settings, effective.Values, seeds, tuning, output, progress).Run(data);
            int classes = data.Problem == ProblemCatalog.TwoMoons ? Problems.TwoMoons.Classes : SeedCnn.Classes;
            SeededComparisonReport.WriteTable(results, data.Objective, classes, output);
            SeededComparisonFiles.WriteCsv(results, Path.Combine(folder, SeededComparisonFiles.CsvName));
            var setup = new ComparisonSetup(settings.Training.Problem, model, data.Description, epochs, settings.Training.BatchSize, settings.Training.Impl, seeds, tuning, data.Objective);
            SeededComparisonFiles.WriteJson(results, setup, Path.Combine(folder, SeededComparisonFiles.JsonName));
            string[] title = [$"Optimizers on {data.Description}: {model}, {epochs} epochs, batch size {settings.Training.BatchSize}", $"seeds {string.Join(",", seeds)} (per seed the same initial weights for every optimizer); {(tuning is null ? "lr as configured or tuned default" : "lr tuned on a validation split")}; mean ± std"];
            if (seeds.Length == 1 && data.Objective == Objective.Classification) ComparisonPlot.Save([.. results.Select(r => r.Runs[0].Result)], data.Description, Path.Combine(folder, ComparisonPlot.FileName));
            else SeedBandPlot.Save(results, title, data.Objective, Path.Combine(folder, SeedBandPlot.FileName));
            string shown = Path.GetRelativePath(Environment.CurrentDirectory, folder);
            output.WriteLine($"wrote {string.Join(", ", new[] { SeededComparisonFiles.CsvName, SeededComparisonFiles.JsonName, SeedBandPlot.FileName }.Select(f => Path.Combine(shown, f)))}");
            output.WriteLine($"run folder {run.Shown}");
            return CliApp.Success;
        });
        return command;
    }
}

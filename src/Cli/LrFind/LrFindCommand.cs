using System.CommandLine;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Problems;
using AdaptiveLR.Cli.Train;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Cli.Training.Models;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.LrFind;

/// <summary>
/// <c>adaptivelr lr-find</c>: Smith's learning-rate range test (fastai's <c>lr_find</c>, Lightning's
/// <c>Tuner.lr_find</c>) for any optimizer of the registry on any problem; the model and optimizer
/// are restored afterwards.
/// </summary>
public static class LrFindCommand
{
    public static Command Create(TextWriter output)
    {
        var options = new TrainingOptions(new HyperparameterOptions(), withOptimizerList: false);
        var defaults = new LrRangeTestSettings();
        var startLr = NumberParsing.FiniteNumber("--start-lr", $"First learning rate of the test (> 0; default {defaults.StartLr})");
        var endLr = NumberParsing.FiniteNumber("--end-lr", $"Last learning rate of the test (> --start-lr; default {defaults.EndLr})");
        var steps = NumberParsing.PositiveInteger("--steps", $"Batches over which the learning rate rises exponentially (default {defaults.Steps})", defaults.Steps);
        var plot = new Option<string>("--plot") { Description = "Also draw the test to this PNG file: loss over a log learning-rate axis, both suggestions marked" };
        var format = OutputFormat.Option();
        var command = new Command("lr-find", "Learning-rate range test (Smith 2017): raise the learning rate exponentially over a number of batches, smooth the loss, stop when it diverges, suggest a learning rate; the model and optimizer are restored afterwards.");
        options.AddTo(command);
        foreach (var option in new Option[] { startLr, endLr, steps, plot, format }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var settings = options.Load(parsed).Settings;
            var test = defaults with
            {
                StartLr = parsed.GetValue(startLr) ?? defaults.StartLr,
                EndLr = parsed.GetValue(endLr) ?? defaults.EndLr,
                Steps = parsed.GetValue(steps),
            };
            if (test.StartLr <= 0) throw new UsageException($"--start-lr: {test.StartLr} is not allowed; allowed: a number > 0");
            if (test.EndLr <= test.StartLr) throw new UsageException($"--end-lr: {test.EndLr} is not allowed; allowed: a number > --start-lr ({test.StartLr})");
            if (settings.Schedule.Name != "constant") throw new UsageException($"--schedule: lr-find sets the learning rate of every batch itself; allowed: constant");
            var hyperparameters = settings.ChosenOptimizer;
            if (NotApplicable(hyperparameters) is { } reason) throw new UsageException(reason);
            string? plotPath = parsed.GetValue(plot);
            if (plotPath is not null) AtomicFile.EnsureWritable(plotPath, "--plot");

            var plan = settings.PlanFor(hyperparameters);
            OptimizerImplementation.EnsureAvailable(plan);
            using var data = ProblemCatalog.Load(settings.Training.Problem, settings.Data);
            using var trainer = Trainer.Start(plan, data);
            string what = $"{ModelCatalog.Describe(plan.Model, data)} on {data.Description}";
            string formatName = parsed.GetValue(format)!;
            if (formatName == OutputFormat.Table)
            {
                output.WriteLine($"lr range test: {what}, {data.Train.Count} train {data.ExampleNoun}");
                output.WriteLine($"{plan.OptimizerDescription}, batch size {plan.BatchSize}, seed {plan.Seed}; lr from {LrFindReport.Rate(test.StartLr)} to {LrFindReport.Rate(test.EndLr)} over {test.Steps} batches");
            }
            var progress = new EpochProgress(EpochProgress.IsInteractive(output));
            var result = progress.Run("lr range test", test.Steps, batchDone => LrRangeTest.Run(trainer, test, batchDone));
            switch (formatName)
            {
                case OutputFormat.Json: LrFindReport.WriteJson(result, output); break;
                case OutputFormat.Csv: LrFindReport.WriteCsv(result, output); break;
                default:
                    LrFindReport.WriteTable(result, test, output);
                    output.WriteLine("model and optimizer restored to their state before the test");
                    break;
            }
            if (plotPath is not null)
            {
                LrFindPlot.Save(result, [$"lr range test (Smith 2017): {Plotting.ShortHyperparameters.Describe(hyperparameters)} [{plan.Implementation}] on {what}", $"batch size {plan.BatchSize}, seed {plan.Seed}; lr {LrFindReport.Rate(test.StartLr)} to {LrFindReport.Rate(test.EndLr)} over {test.Steps} batches; EMA {test.Smoothing}"], plotPath);
                if (formatName == OutputFormat.Table) output.WriteLine($"wrote {plotPath}");
            }
            return CliApp.Success;
        });
        return command;
    }

    /// <summary>Why a range test does not apply to <paramref name="hyperparameters"/>, or null when it does.</summary>
    public static string? NotApplicable(Hyperparameters hyperparameters) =>
        hyperparameters.LearningRateFree
            ? $"--optimizer: lr-find does not apply to {hyperparameters.Algorithm}: it is learning-rate-free (it estimates its own step size; lr only scales that estimate, default 1)"
            : null;
}

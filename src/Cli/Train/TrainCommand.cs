using System.CommandLine;
using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Training;

namespace AdaptiveLR.Cli.Train;

/// <summary>
/// <c>adaptivelr train</c>: the seed's MNIST experiment — the seed's CNN trained with any optimizer,
/// a row per epoch, metrics, plots and a checkpoint that <c>--resume</c> continues from.
/// </summary>
public static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var options = new TrainingOptions(new HyperparameterOptions(), withOptimizerList: false);
        var resume = new Option<bool>("--resume") { Description = $"Continue from the checkpoint in --out ({Checkpoint.FileName}) up to --epochs" };
        var command = new Command("train", "Train the seed's CNN on MNIST-style data (default: the embedded MNIST subset) and write metrics, plots and a checkpoint.");
        options.AddTo(command);
        command.Options.Add(resume);
        command.SetAction(parsed =>
        {
            var settings = options.Load(parsed).Settings;
            var fault = options.Fault(parsed);
            OptimizerImplementation.EnsureAvailable(settings.PlanFor(settings.ChosenOptimizer));
            string folder = OutputFolder.Prepare(settings.Output.Folder, "--out");
            string? tensorBoardFolder = settings.Output.TensorBoard is { } tb ? OutputFolder.Prepare(tb, "--tensorboard") : null;
            using var data = Problems.ProblemCatalog.Load(settings.Training.Problem, settings.Data);
            using var trainer = Trainer.Start(settings.PlanFor(settings.ChosenOptimizer), data, fault);
            string checkpoint = Path.Combine(folder, Checkpoint.FileName);
            if (parsed.GetValue(resume)) Checkpoint.Resume(trainer, checkpoint);

            Run(trainer, settings.Training.Epochs, folder, tensorBoardFolder, new TrainingReport(output), new EpochProgress(EpochProgress.IsInteractive(output)));
            return CliApp.Success;
        });
        return command;
    }

    /// <summary>Trains up to <paramref name="epochs"/>, saving metrics and the checkpoint after each epoch, plots at the end.</summary>
    private static void Run(Trainer trainer, int epochs, string folder, string? tensorBoardFolder, TrainingReport report, EpochProgress progress)
    {
        var tensorBoard = tensorBoardFolder is null ? null : new TensorBoardLog(tensorBoardFolder);
        report.Start(trainer, epochs);
        while (trainer.CompletedEpochs < epochs)
        {
            var metrics = progress.Run($"epoch {trainer.CompletedEpochs + 1}/{epochs}", trainer.BatchesPerEpoch, batchDone =>
                trainer.RunEpoch((step, loss) =>
                {
                    batchDone();
                    tensorBoard?.Step(step, loss);
                }));
            tensorBoard?.Epoch(metrics, trainer.LastEffectiveLearningRates);
            report.Epoch(metrics);
            MetricsFiles.Write(trainer, folder);
            Checkpoint.Save(trainer, Path.Combine(folder, Checkpoint.FileName));
        }
        if (trainer.CompletedEpochs == 0) return;

        List<string> files = [MetricsFiles.CsvName, MetricsFiles.JsonName, TrainingPlots.CurvesName];
        MetricsFiles.Write(trainer, folder);
        TrainingPlots.SaveCurves(trainer, Path.Combine(folder, TrainingPlots.CurvesName));
        if (trainer.History[^1].EffectiveLearningRates.Length > 0)
        {
            TrainingPlots.SaveEffectiveLearningRates(trainer, Path.Combine(folder, TrainingPlots.EffectiveLearningRateName));
            files.Add(TrainingPlots.EffectiveLearningRateName);
        }
        files.Add(Checkpoint.FileName);
        report.Finish(trainer, files.Select(f => Path.Combine(Path.GetRelativePath(Environment.CurrentDirectory, folder), f)));
        if (tensorBoardFolder is not null) report.Note($"TensorBoard event files in {tensorBoardFolder}");
    }
}

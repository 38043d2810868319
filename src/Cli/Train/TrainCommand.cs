using System.CommandLine;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Runs;
using AdaptiveLR.Cli.Training;

namespace AdaptiveLR.Cli.Train;

/// <summary>
/// <c>adaptivelr train</c>: the seed's MNIST experiment — the seed's CNN trained with any optimizer,
/// a row per epoch, metrics, plots and a checkpoint that <c>--resume</c> continues from, all in the
/// run's own folder.
/// </summary>
public static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var options = new TrainingOptions(new HyperparameterOptions(), withOptimizerList: false);
        var resume = new Option<string>("--resume")
        {
            Description = $"Continue a run up to --epochs: the run in this folder, in --out, or (given alone) the latest run under {RunFolder.Root}/ made with these settings",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the run an explicit --out holds (its files are removed first)" };
        var command = new Command("train", "Train the seed's CNN on MNIST-style data (default: the embedded MNIST subset) and write metrics, plots and a checkpoint.");
        options.AddTo(command);
        command.Options.Add(resume);
        command.Options.Add(overwrite);
        command.SetAction(parsed =>
        {
            var settings = options.Load(parsed).Settings;
            TrainingThreads.Apply(settings.Training.Threads);
            var fault = options.Fault(parsed);
            var plan = settings.PlanFor(settings.ChosenOptimizer);
            OptimizerImplementation.EnsureAvailable(plan);
            bool resuming = parsed.GetResult(resume) is { Implicit: false };
            string? resumeFolder = parsed.GetValue(resume);
            if (resuming && parsed.GetValue(overwrite)) throw new UsageException("--overwrite: cannot be combined with --resume, which continues the run it finds");
            if (resumeFolder is not null && settings.Output.Folder is { } given && Path.GetFullPath(given) != Path.GetFullPath(resumeFolder))
                throw new UsageException($"--resume: '{resumeFolder}' and --out '{given}' name two folders; give the run's folder once");
            string? tensorBoard = settings.Output.TensorBoard is { } tb ? OutputFolder.Prepare(tb, "--tensorboard") : null;

            using var interruption = new Interruption();
            using var data = Problems.ProblemCatalog.Load(settings.Training.Problem, settings.Data);
            using var trainer = Trainer.Start(plan, data, fault);
            using var run = !resuming
                ? RunFolder.ForNewRun(settings.Output.Folder, parsed.GetValue(overwrite), "train", plan.Hyperparameters.Algorithm)
                : (resumeFolder ?? settings.Output.Folder) is { } folder
                    ? RunFolder.ForResume(folder, resumeFolder is null ? "--out" : "--resume", "train")
                    : RunFolder.Latest("train", checkpoint => Checkpoint.Mismatch(trainer, checkpoint));
            int epochs = settings.Training.Epochs;
            if (resuming)
            {
                Checkpoint.Resume(trainer, run[Checkpoint.FileName]);
                // A run killed after its last checkpoint but before its metrics and plots were written is finished, not refused.
                if (trainer.CompletedEpochs > epochs || (trainer.CompletedEpochs == epochs && FilesAreWritten(trainer, run)))
                    throw new UsageException($"--epochs: the run in '{run.Shown}' has completed {trainer.CompletedEpochs} epochs already, --epochs {epochs} asks for no more; give --epochs {trainer.CompletedEpochs + 1} or more to continue it");
                // After a failed write (a full disk) the metrics can be an epoch ahead of the checkpoint: the checkpoint's history wins.
                MetricsFiles.Write(trainer, run.FullPath);
            }
            if (options.TensorBoardInRunFolder(parsed)) tensorBoard = OutputFolder.Prepare(run[RunArtefacts.TensorBoardFolder], "--tensorboard");

            output.WriteLine($"{(resuming ? "continuing the run in" : "run folder")} {run.Shown}");
            Run(trainer, epochs, run, tensorBoard, new TrainingReport(output), new EpochProgress(EpochProgress.IsInteractive(output)),
                () => interruption.ThrowIfRequested(signal => Interrupted(signal, trainer, run, parsed)));
            return CliApp.Success;
        });
        return command;
    }

    /// <summary>Whether the run's metrics are those of its checkpoint and every file its end writes exists.</summary>
    private static bool FilesAreWritten(Trainer trainer, RunFolder run) =>
        File.Exists(run[MetricsFiles.CsvName]) && File.ReadAllText(run[MetricsFiles.CsvName]) == MetricsFiles.Csv(trainer) &&
        FilesAfterCheckpoint(trainer).All(file => File.Exists(run[file]));

    /// <summary>What a run writes after its last checkpoint: the metrics and the plots (the effective learning rates' when the optimizer reports them).</summary>
    private static List<string> FilesAfterCheckpoint(Trainer trainer) =>
        [MetricsFiles.CsvName, MetricsFiles.JsonName, TrainingPlots.CurvesName,
         .. trainer.History[^1].EffectiveLearningRates.Length > 0 ? [TrainingPlots.EffectiveLearningRateName] : Array.Empty<string>()];

    private static string Interrupted(string signal, Trainer trainer, RunFolder run, ParseResult parsed)
    {
        int onDisk = trainer.CompletedEpochs;
        return onDisk == 0 || !File.Exists(run[Checkpoint.FileName])
            ? $"interrupted by {signal} before the first epoch completed; no checkpoint was written, nothing to resume"
            : $"interrupted by {signal}; the checkpoint of epoch {onDisk} is in {run.Shown}; resume with: {ResumeCommandLine.For(parsed, run.Shown)}";
    }

    /// <summary>Trains up to <paramref name="epochs"/>, saving metrics and the checkpoint after each epoch, plots at the end; <paramref name="checkInterruption"/> runs after every step and every checkpoint.</summary>
    private static void Run(Trainer trainer, int epochs, RunFolder run, string? tensorBoardFolder, TrainingReport report, EpochProgress progress, Action checkInterruption)
    {
        var tensorBoard = tensorBoardFolder is null ? null : new TensorBoardLog(tensorBoardFolder);
        report.Start(trainer, epochs);
        while (trainer.CompletedEpochs < epochs)
        {
            checkInterruption();
            var metrics = progress.Run($"epoch {trainer.CompletedEpochs + 1}/{epochs}", trainer.BatchesPerEpoch, batchDone =>
                trainer.RunEpoch((step, loss) =>
                {
                    batchDone();
                    tensorBoard?.Step(step, loss);
                    checkInterruption();
                }));
            tensorBoard?.Epoch(metrics, trainer.LastEffectiveLearningRates);
            report.Epoch(metrics);
            // The checkpoint first: it is what a resume trusts, and the metrics are rewritten from it.
            Checkpoint.Save(trainer, run[Checkpoint.FileName]);
            MetricsFiles.Write(trainer, run.FullPath);
        }
        checkInterruption();

        var files = FilesAfterCheckpoint(trainer);
        TrainingPlots.SaveCurves(trainer, run[TrainingPlots.CurvesName]);
        if (files.Contains(TrainingPlots.EffectiveLearningRateName)) TrainingPlots.SaveEffectiveLearningRates(trainer, run[TrainingPlots.EffectiveLearningRateName]);
        files.Add(Checkpoint.FileName);
        report.Finish(trainer, files.Select(f => Path.Combine(run.Shown, f)));
        if (tensorBoardFolder is not null) report.Note($"TensorBoard event files in {Path.GetRelativePath(Environment.CurrentDirectory, tensorBoardFolder)}");
        report.Note($"run folder {run.Shown}");
    }
}

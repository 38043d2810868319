using System.Collections.Immutable;
using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.LrFind;
using AdaptiveLR.Cli.Train;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.Compare;

/// <summary>
/// A fair comparison: per optimizer, the learning rate (tuned on a validation split, a tuned
/// default for the built-in problem, or the configured one), then one run per seed — every
/// optimizer from the same initial weights for a seed — on the full training set, scored on the test set.
/// </summary>
public sealed class SeededComparison(AdaptiveLRSettings settings, ImmutableArray<SettingValue> sources, ImmutableArray<int> seeds, LrTuningRequest? tuning, TextWriter output, EpochProgress progress)
{
    public IReadOnlyList<OptimizerRuns> Run(TrainingData data)
    {
        int epochs = settings.Training.Epochs;
        TrainingData? validation = tuning is null ? null : data.WithValidationSplit();
        try
        {
            if (validation is not null)
                output.WriteLine($"tuning each lr on a validation split of the training set ({validation.Train.Count} train, {validation.Test.Count} validation {data.ExampleNoun}; the test set is not used), {tuning!.Epochs} epoch{(tuning.Epochs == 1 ? "" : "s")} per grid point, seed {seeds[0]}");
            var all = new List<OptimizerRuns>();
            foreach (string name in settings.Compare.OptimizerNames)
            {
                var (hyperparameters, source, tuned) = LearningRate(name, validation);
                var runs = ImmutableArray.CreateBuilder<SeedRun>();
                foreach (int seed in seeds)
                {
                    using var trainer = Trainer.Start(settings.PlanFor(hyperparameters) with { Seed = seed }, data);
                    while (trainer.CompletedEpochs < epochs)
                        progress.Run($"{name} seed {seed} epoch {trainer.CompletedEpochs + 1}/{epochs}", trainer.BatchesPerEpoch, batchDone => trainer.RunEpoch((_, _) => batchDone()));
                    runs.Add(new SeedRun(seed, new ComparisonResult(trainer.Plan, trainer.History)));
                }
                var result = new OptimizerRuns(hyperparameters, source, tuned, runs.ToImmutable());
                output.WriteLine($"{name} (lr {LrFindReport.Rate(hyperparameters.Lr)}, {source}): {Headline(result, data.Objective)} after {epochs} epochs over {seeds.Length} seed{(seeds.Length == 1 ? "" : "s")} ({TrainingReport.Seconds(result.Seconds)} per seed)");
                all.Add(result);
            }
            return all;
        }
        finally
        {
            validation?.Dispose();
        }
    }

    private (Hyperparameters Hyperparameters, string Source, LrTuningResult? Tuning) LearningRate(string name, TrainingData? validation)
    {
        var configured = settings.Optimizers[name];
        if (validation is not null)
        {
            var tuned = LrTuning.Tune(configured, settings, validation, tuning!, seeds[0], progress);
            output.WriteLine($"{name}: {TuningLine(tuned)}");
            return (configured.With(new HyperparameterSettings { Lr = tuned.ChosenLr }), tuned.Grid.IsEmpty ? "learning-rate-free" : "tuned", tuned);
        }
        if (TunedDefaults.For(name, settings, sources) is { } lr)
            return (configured.With(new HyperparameterSettings { Lr = lr }), TunedDefaults.Source, null);
        return (configured, "configured", null);
    }

    private string TuningLine(LrTuningResult tuned)
    {
        if (tuned.Grid.IsEmpty) return tuned.Note;
        string around = tuned.Suggestion is { } s ? $"grid around the lr-find suggestion {LrFindReport.Rate(s)}" : tuning!.Grid is null ? "no clear descent in the lr range test, fixed grid" : "grid";
        string points = string.Join(", ", tuned.Grid.Select(p => $"{LrFindReport.Rate(p.Lr)} {Score(p)}"));
        return $"{around}: {points} -> lr {LrFindReport.Rate(tuned.ChosenLr)}{(tuned.Note.Length > 0 ? $" ({tuned.Note})" : "")}";
    }

    private static string Score(GridPoint p) =>
        !double.IsFinite(p.ValidationLoss) ? "diverged"
        : double.IsNaN(p.ValidationAccuracy) ? $"loss {new MeanStd(p.ValidationLoss, 0, 1).Loss()}"
        : new MeanStd(p.ValidationAccuracy, 0, 1).Percent();

    private static string Headline(OptimizerRuns runs, Objective objective) =>
        objective == Objective.Classification ? $"test accuracy {runs.FinalAccuracy.Percent()}" : $"test loss {runs.FinalLoss.Loss()}";
}

using System.Collections.Immutable;
using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.LrFind;
using AdaptiveLR.Cli.Train;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.Compare;

/// <summary>One learning rate of a tuning grid and what it reached on the validation split.</summary>
public sealed record GridPoint(double Lr, double ValidationLoss, double ValidationAccuracy);

/// <summary>How one optimizer's learning rate was tuned: the lr-find suggestion the grid was built around (if any), the grid's scores, the choice.</summary>
public sealed record LrTuningResult(double ChosenLr, ImmutableArray<GridPoint> Grid, double? Suggestion, string Note);

/// <summary>
/// Keras-Tuner-style grid search of one hyperparameter, the learning rate: each grid point trains
/// briefly from the first seed's initial weights on the training part of a validation split and is
/// scored on the held-out part — never on the test split. The best accuracy wins (ties: the lower
/// loss); for objectives without accuracy, the lowest loss. A grid point whose loss goes non-finite scores worst.
/// </summary>
public static class LrTuning
{
    /// <summary>The default grid's shape: half-decade steps around the centre, one decade either way.</summary>
    public static ImmutableArray<double> AroundCentre(double centre) => [.. new[] { -1, -0.5, 0, 0.5, 1 }.Select(e => centre * Math.Pow(10, e))];

    public static LrTuningResult Tune(Hyperparameters hyperparameters, AdaptiveLRSettings settings, TrainingData validation, LrTuningRequest request, int seed, EpochProgress progress)
    {
        if (hyperparameters.LearningRateFree)
            return new LrTuningResult(hyperparameters.Lr, [], null, "learning-rate-free: not tuned");
        double? suggestion = null;
        var grid = request.Grid;
        if (grid is null)
        {
            using var finder = Trainer.Start(Plan(hyperparameters, settings, seed, 1), validation);
            var test = new LrRangeTestSettings();
            var found = progress.Run($"{hyperparameters.Algorithm} lr range test", test.Steps, batchDone => LrRangeTest.Run(finder, test, batchDone));
            // Without a clear descent the minimum is noise: the fixed grid brackets every algorithm instead.
            suggestion = found.Suggestions.ClearDescent ? found.Suggestions.MinimumOver10 : null;
            grid = suggestion is { } centre ? AroundCentre(centre) : FairComparisonOptions.FixedGrid;
        }
        var points = ImmutableArray.CreateBuilder<GridPoint>();
        foreach (double lr in grid.Value)
        {
            var plan = Plan(hyperparameters.With(new HyperparameterSettings { Lr = lr }), settings, seed, request.Epochs);
            var (loss, accuracy) = (double.NaN, double.NaN);
            try
            {
                using var trainer = Trainer.Start(plan, validation);
                while (trainer.CompletedEpochs < request.Epochs)
                    progress.Run($"{hyperparameters.Algorithm} lr {LrFindReport.Rate(lr)} epoch {trainer.CompletedEpochs + 1}/{request.Epochs}", trainer.BatchesPerEpoch, batchDone => trainer.RunEpoch((_, _) => batchDone()));
                (loss, accuracy) = (trainer.History[^1].TestLoss, trainer.History[^1].TestAccuracy);
            }
            catch (NonFiniteTrainingException)
            {
                // Diverged: scores worst, as (NaN, NaN).
            }
            points.Add(new GridPoint(lr, loss, accuracy));
        }
        var scored = points.ToImmutable();
        var best = Best(scored);
        if (best is null) return new LrTuningResult(hyperparameters.Lr, scored, suggestion, "every grid point diverged: kept the configured lr");
        bool atEdge = scored.Length > 1 && (best.Lr == scored[0].Lr || best.Lr == scored[^1].Lr);
        return new LrTuningResult(best.Lr, scored, suggestion, atEdge ? "best at the grid's edge: a wider grid may do better" : "");
    }

    /// <summary>The best finite grid point, or null when none is finite.</summary>
    public static GridPoint? Best(IEnumerable<GridPoint> points) =>
        points.Where(p => double.IsFinite(p.ValidationLoss))
              .OrderByDescending(p => double.IsNaN(p.ValidationAccuracy) ? 0 : p.ValidationAccuracy)
              .ThenBy(p => p.ValidationLoss)
              .FirstOrDefault();

    private static TrainingPlan Plan(Hyperparameters hyperparameters, AdaptiveLRSettings settings, int seed, int epochs) =>
        settings.PlanFor(hyperparameters) with { Seed = seed, Epochs = epochs };
}

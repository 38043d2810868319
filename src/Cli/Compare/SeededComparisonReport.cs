using System.Globalization;
using AdaptiveLR.Cli.LrFind;
using AdaptiveLR.Cli.Train;
using AdaptiveLR.Cli.Training;

namespace AdaptiveLR.Cli.Compare;

/// <summary>
/// The comparison's table for people: a row per optimizer, best first — its learning rate and where
/// it came from, final and best test accuracy (mean ± std over the seeds), final test loss, mean
/// time per seed — and a note for any optimizer that ended near chance, saying why it may have.
/// </summary>
public static class SeededComparisonReport
{
    /// <summary>Ranks by mean final test accuracy (for objectives without accuracy, by mean final test loss); non-finite results last.</summary>
    public static IReadOnlyList<(int Rank, OptimizerRuns Runs)> Ranked(IReadOnlyList<OptimizerRuns> results, Objective objective)
    {
        var ordered = objective == Objective.Classification
            ? results.OrderByDescending(r => double.IsNaN(r.FinalAccuracy.Mean) ? double.NegativeInfinity : r.FinalAccuracy.Mean)
            : results.OrderBy(r => double.IsFinite(r.FinalLoss.Mean) ? r.FinalLoss.Mean : double.PositiveInfinity);
        return [.. ordered.Select((r, i) => (i + 1, r))];
    }

    public static void WriteTable(IReadOnlyList<OptimizerRuns> results, Objective objective, int classes, TextWriter output)
    {
        bool classification = objective == Objective.Classification;
        string[] header = classification
            ? ["rank", "optimizer", "lr", "lr from", "final test acc", "best test acc", "final test loss", "time/seed"]
            : ["rank", "optimizer", "lr", "lr from", "final test loss", "best test loss", "time/seed"];
        var rows = Ranked(results, objective).Select(x => classification
            ? new[] { x.Rank.ToString(CultureInfo.InvariantCulture), x.Runs.Optimizer, LrFindReport.Rate(x.Runs.Hyperparameters.Lr), x.Runs.LrSource, x.Runs.FinalAccuracy.Percent(), x.Runs.BestAccuracy.Percent(), x.Runs.FinalLoss.Loss(), TrainingReport.Seconds(x.Runs.Seconds) }
            : [x.Rank.ToString(CultureInfo.InvariantCulture), x.Runs.Optimizer, LrFindReport.Rate(x.Runs.Hyperparameters.Lr), x.Runs.LrSource, x.Runs.FinalLoss.Loss(), x.Runs.BestLoss.Loss(), TrainingReport.Seconds(x.Runs.Seconds)]).ToList();
        int[] widths = [.. header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max())];
        // Text columns (optimizer, lr from) align left, numbers right.
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i is 1 or 3 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
        output.WriteLine(Line(header));
        foreach (var row in rows) output.WriteLine(Line(row));
        int seeds = results.Count == 0 ? 0 : results[0].Runs.Length;
        if (seeds > 1) output.WriteLine($"mean ± sample standard deviation over {seeds} seeds; best = each seed's best epoch, averaged");
        if (classification)
        {
            foreach (var r in results.Where(r => NearChance(r.FinalAccuracy.Mean, classes)))
                output.WriteLine($"note: {r.Optimizer} ended near chance ({r.FinalAccuracy.Percent()}, chance {100.0 / classes:0.#}%): its lr {LrFindReport.Rate(r.Hyperparameters.Lr)} ({r.LrSource}) is likely too small to learn in {r.Runs[0].Result.Epochs.Count} epochs or too large to converge; try --tune-lr");
        }
    }

    /// <summary>Below 1.5 times chance, or not a number.</summary>
    public static bool NearChance(double accuracy, int classes) => double.IsNaN(accuracy) || accuracy < 1.5 / classes;
}

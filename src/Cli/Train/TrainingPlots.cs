using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Plotting;
using AdaptiveLR.Cli.Training;
using ScottPlot;

namespace AdaptiveLR.Cli.Train;

/// <summary>The run's figures: loss and accuracy per epoch, and the effective learning rate per layer.</summary>
public static class TrainingPlots
{
    public const string CurvesName = "training.png", EffectiveLearningRateName = "effective-lr.png";

    /// <summary>Half the width of the box that stands for a band when there is a single epoch.</summary>
    private const double SingleEpochSpread = 0.12;

    public static void SaveCurves(Trainer trainer, string path)
    {
        var figure = BuildCurves(trainer.History, TitleLines(trainer), out var panels);
        Figure.SaveStacked(figure, panels, path, 360);
    }

    public static void SaveEffectiveLearningRates(Trainer trainer, string path)
    {
        var figure = BuildEffectiveLearningRates(trainer.History, TitleLines(trainer), out var panels);
        Figure.SaveStacked(figure, panels, path, 250);
    }

    /// <summary>What produced the numbers: optimizer and data; model, batches, seed, schedule and transformations.</summary>
    public static string[] TitleLines(Trainer trainer) =>
    [
        $"{trainer.Plan.OptimizerDescription} on {trainer.Data.Description}",
        $"{SeedCnn.Name}, batch size {trainer.Plan.BatchSize}, seed {trainer.Plan.Seed}; lr schedule {trainer.Schedule.Description}; gradient transformations: {trainer.Plan.TransformsDescription}",
    ];

    /// <summary>Train and test loss above, test accuracy below, over one epoch axis.</summary>
    public static Multiplot BuildCurves(IReadOnlyList<EpochMetrics> history, string[] titleLines, out Plot[] panels)
    {
        var figure = Figure.Stacked(2, out panels);
        var (losses, accuracy) = (panels[0], panels[1]);
        double[] epochs = [.. history.Select(e => (double)e.Epoch)];
        SeriesStyle.AddLine(losses, epochs, [.. history.Select(e => e.TrainLoss)], "train loss (epoch mean)", 0, 2);
        SeriesStyle.AddLine(losses, epochs, [.. history.Select(e => e.TestLoss)], "test loss (after the epoch)", 1, 2);
        SeriesStyle.AddLine(accuracy, epochs, [.. history.Select(e => 100 * e.TestAccuracy)], "test accuracy", 0, 1);
        Figure.Title(losses, titleLines);
        Figure.ValueAxis(losses, "NLL loss");
        Figure.ValueAxis(accuracy, "test accuracy (%)");
        Figure.CountAxis(panels, "epoch", epochs[0], epochs[^1]);
        foreach (var panel in panels) Figure.LegendOutside(panel);
        Figure.Arrange(panels);
        return figure;
    }

    /// <summary>
    /// One panel per layer, on one log axis and one epoch axis: the median as a line with markers and
    /// the 10th–90th percentiles as a band shaded in the layer's colour (with a single epoch, a box
    /// around it). Panels rather than one crowded plot: the layers' bands overlap.
    /// </summary>
    public static Multiplot BuildEffectiveLearningRates(IReadOnlyList<EpochMetrics> history, string[] titleLines, out Plot[] panels)
    {
        var layers = history[0].EffectiveLearningRates.Select(l => l.Layer).ToArray();
        var figure = Figure.Stacked(layers.Length, out panels);
        bool single = history.Count == 1;
        var logs = new List<double>();
        for (int i = 0; i < layers.Length; i++)
        {
            var (panel, style) = (panels[i], SeriesStyle.Of(i));
            // A log axis shows positive values only; a layer whose rate is 0 in an epoch has no point there.
            var rates = history.Select(e => (Epoch: (double)e.Epoch, Rates: e.EffectiveLearningRates[i]))
                .Where(r => r.Rates.P10 > 0 && r.Rates.Median > 0 && r.Rates.P90 > 0).ToArray();
            if (single) rates = [.. rates.SelectMany(r => new[] { r with { Epoch = r.Epoch - SingleEpochSpread }, r with { Epoch = r.Epoch + SingleEpochSpread } })];
            double[] x = [.. rates.Select(r => r.Epoch)];
            double[] p10 = [.. rates.Select(r => Math.Log10(r.Rates.P10))], median = [.. rates.Select(r => Math.Log10(r.Rates.Median))], p90 = [.. rates.Select(r => Math.Log10(r.Rates.P90))];
            logs.AddRange([.. p10, .. p90]);
            var band = panel.Add.FillY(x, p10, p90);
            (band.FillStyle.Color, band.LineStyle.Width, band.LegendText) = (style.Color.WithAlpha(0.25), 0, $"{layers[i]} 10th–90th percentile");
            var line = panel.Add.Scatter(x, median);
            (line.Color, line.LineWidth, line.MarkerShape, line.MarkerSize, line.LegendText) = (style.Color, 2.5f, style.Marker, single ? 0 : 9, $"{layers[i]} median");
            panel.Axes.Left.TickGenerator = new LogTicks();
            panel.YLabel("effective lr");
            Figure.LegendOutside(panel);
        }
        Figure.Title(panels[0], [.. titleLines, "effective learning rate per layer (log scale): median of the layer's parameters (line), 10th–90th percentile (shaded)"]);
        Figure.CountAxis(panels, "epoch", history[0].Epoch, history[^1].Epoch);
        if (logs.Count > 0)
        {
            double low = logs.Min(), high = logs.Max(), room = Math.Max(0.05, 0.06 * (high - low));
            foreach (var panel in panels) panel.Axes.SetLimitsY(low - room, high + room);
        }
        Figure.Arrange(panels);
        return figure;
    }
}

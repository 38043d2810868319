using AdaptiveLR.Cli.Output;
using ScottPlot;

namespace AdaptiveLR.Cli.LrFind;

/// <summary>
/// The range test on a log-scaled learning-rate axis: each batch's loss (faint), the smoothed loss,
/// and the two suggestions as vertical lines; the legend sits to the right of the data, never on it.
/// </summary>
public static class LrFindPlot
{
    public static void Save(LrRangeTest.Result result, string title, string path)
    {
        var plot = new Plot();
        var points = result.Points.Where(p => double.IsFinite(p.Loss) && double.IsFinite(p.SmoothedLoss)).ToArray();
        double[] logLr = [.. points.Select(p => Math.Log10(p.LearningRate))];
        var raw = plot.Add.Scatter(logLr, [.. points.Select(p => p.Loss)]);
        (raw.LegendText, raw.Color, raw.LineWidth, raw.MarkerSize) = ("batch loss", Colors.Gray.WithAlpha(0.5), 1, 0);
        var smoothed = plot.Add.Scatter(logLr, [.. points.Select(p => p.SmoothedLoss)]);
        (smoothed.LegendText, smoothed.Color, smoothed.LineWidth, smoothed.MarkerSize) = ("smoothed loss", Colors.Blue, 2, 0);

        var s = result.Suggestions;
        if (s.Steepest is { } steep)
        {
            var line = plot.Add.VerticalLine(Math.Log10(steep));
            (line.LegendText, line.Color, line.LinePattern) = ($"steepest descent: {LrFindReport.Rate(steep)}", Colors.Red, LinePattern.Dashed);
        }
        if (s.MinimumOver10 is { } minimum)
        {
            var line = plot.Add.VerticalLine(Math.Log10(minimum));
            (line.LegendText, line.Color, line.LinePattern) = ($"minimum / 10: {LrFindReport.Rate(minimum)}", Colors.Green, LinePattern.Dotted);
        }
        // Losses right after divergence dwarf the curve: show from the lowest to a little above the first loss.
        if (points.Length > 0)
        {
            double low = points.Min(p => Math.Min(p.Loss, p.SmoothedLoss)), high = points[0].SmoothedLoss;
            plot.Axes.SetLimitsY(low - 0.05 * (high - low), high + 0.6 * (high - low));
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = x => LrFindReport.Rate(Math.Pow(10, x)),
            IntegerTicksOnly = true,
        };
        plot.Title(title);
        plot.XLabel("learning rate (log scale)");
        plot.YLabel("training loss");
        plot.ShowLegend(Edge.Right);
        AtomicFile.WriteVia(path, temporary => plot.SavePng(temporary, 1100, 600));
    }
}

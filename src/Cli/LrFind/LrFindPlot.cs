using AdaptiveLR.Cli.Plotting;
using ScottPlot;

namespace AdaptiveLR.Cli.LrFind;

/// <summary>
/// The range test on a log learning-rate axis: each batch's loss (faint), the smoothed loss, and
/// the two suggestions as vertical lines, in the tool's figure layout (legend outside the data).
/// </summary>
public static class LrFindPlot
{
    public static void Save(LrRangeTest.Result result, string[] titleLines, string path)
    {
        var figure = Figure.Stacked(1, out var panels);
        var plot = panels[0];
        var points = result.Points.Where(p => double.IsFinite(p.Loss) && double.IsFinite(p.SmoothedLoss)).ToArray();
        double[] logLr = [.. points.Select(p => Math.Log10(p.LearningRate))];
        var raw = plot.Add.Scatter(logLr, [.. points.Select(p => p.Loss)]);
        (raw.LegendText, raw.Color, raw.LineWidth, raw.MarkerSize) = ("batch loss", Colors.Gray.WithAlpha(0.6), 1, 0);
        var smoothed = plot.Add.Scatter(logLr, [.. points.Select(p => p.SmoothedLoss)]);
        (smoothed.LegendText, smoothed.Color, smoothed.LineWidth, smoothed.MarkerSize) = ("smoothed loss", SeriesStyle.Of(0).Color, 2.5f, 0);

        var s = result.Suggestions;
        if (s.Steepest is { } steep)
        {
            var line = plot.Add.VerticalLine(Math.Log10(steep));
            (line.LegendText, line.Color, line.LinePattern) = ($"steepest descent {LrFindReport.Rate(steep)}", SeriesStyle.Of(3).Color, LinePattern.Dashed);
        }
        if (s.MinimumOver10 is { } minimum)
        {
            var line = plot.Add.VerticalLine(Math.Log10(minimum));
            (line.LegendText, line.Color, line.LinePattern) = ($"minimum / 10 {LrFindReport.Rate(minimum)}", SeriesStyle.Of(2).Color, LinePattern.Dotted);
        }
        // Losses after divergence dwarf the curve: show from the lowest loss to a little above the first.
        if (points.Length > 0)
        {
            double low = points.Min(p => Math.Min(p.Loss, p.SmoothedLoss)), high = points[0].SmoothedLoss;
            double span = Math.Max(high - low, 1e-3);
            plot.Axes.SetLimitsY(low - 0.05 * span, high + 0.6 * span);
            plot.Axes.SetLimitsX(logLr[0], logLr[^1]);
        }
        plot.Axes.Bottom.TickGenerator = new LogTicks();
        plot.XLabel("learning rate (log scale)");
        Figure.Title(plot, titleLines);
        Figure.ValueAxis(plot, "training loss");
        Figure.LegendOutside(plot);
        Figure.Arrange(panels);
        Figure.SaveStacked(figure, panels, path, 480);
    }
}

using AdaptiveLR.Cli.Plotting;
using AdaptiveLR.Cli.Training;
using ScottPlot;

namespace AdaptiveLR.Cli.Compare;

/// <summary>
/// A comparison over several seeds: each optimizer's mean test loss (above) and test accuracy
/// (below; none for the quadratic) per epoch, with a shaded band of ± one standard deviation over
/// the seeds, in the tool's figure layout (one legend outside the data, shared epoch axis).
/// </summary>
public static class SeedBandPlot
{
    public const string FileName = "comparison.png";

    public static void Save(IReadOnlyList<OptimizerRuns> results, string[] titleLines, Objective objective, string path)
    {
        bool classification = objective == Objective.Classification;
        var figure = Figure.Stacked(classification ? 2 : 1, out var panels);
        for (int i = 0; i < results.Count; i++)
        {
            var style = SeriesStyle.Of(i);
            Band(panels[0], results[i].PerEpoch(e => e.TestLoss), 1, style).LegendText = results[i].Optimizer;
            if (classification) Band(panels[1], results[i].PerEpoch(e => e.TestAccuracy), 100, style);
        }
        Figure.Title(panels[0], titleLines);
        Figure.ValueAxis(panels[0], "test loss (mean ± std)");
        if (classification) Figure.ValueAxis(panels[1], "test accuracy % (mean ± std)");
        int epochs = results.Count == 0 ? 1 : results.Max(r => r.PerEpoch(e => e.TestLoss).Length);
        Figure.CountAxis(panels, "epoch", 1, epochs);
        Figure.LegendOutside(panels[0]);
        Figure.Arrange(panels);
        Figure.SaveStacked(figure, panels, path, 380);
    }

    private static ScottPlot.Plottables.Scatter Band(Plot plot, IReadOnlyList<MeanStd> epochs, double scale, SeriesStyle style)
    {
        var finite = epochs.Select((s, i) => (Epoch: i + 1.0, s)).Where(x => double.IsFinite(x.s.Mean)).ToArray();
        double[] xs = [.. finite.Select(x => x.Epoch)];
        if (finite.Any(x => x.s.Std > 0))
        {
            var band = plot.Add.FillY(xs, [.. finite.Select(x => scale * (x.s.Mean - x.s.Std))], [.. finite.Select(x => scale * (x.s.Mean + x.s.Std))]);
            (band.FillColor, band.LineColor) = (style.Color.WithAlpha(0.18), Colors.Transparent);
        }
        var mean = plot.Add.Scatter(xs, [.. finite.Select(x => scale * x.s.Mean)]);
        (mean.Color, mean.LinePattern, mean.LineWidth, mean.MarkerShape, mean.MarkerSize) = (style.Color, style.Pattern, 2, style.Marker, 7);
        return mean;
    }
}

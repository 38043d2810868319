using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Training;
using ScottPlot;

namespace AdaptiveLR.Cli.Compare;

/// <summary>
/// A comparison over several seeds: each optimizer's mean test loss (above) and test accuracy
/// (below) per epoch, with a shaded band of ± one standard deviation over the seeds.
/// </summary>
public static class SeedBandPlot
{
    public const string FileName = "comparison.png";

    public static void Save(IReadOnlyList<OptimizerRuns> results, string title, Objective objective, string path)
    {
        bool classification = objective == Objective.Classification;
        var multiplot = new Multiplot();
        multiplot.AddPlots(classification ? 2 : 1);
        var loss = multiplot.GetPlot(0);
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < results.Count; i++)
        {
            var color = palette.GetColor(i);
            Band(loss, results[i].PerEpoch(e => e.TestLoss), 1, color, results[i].Optimizer);
            if (classification) Band(multiplot.GetPlot(1), results[i].PerEpoch(e => e.TestAccuracy), 100, color, results[i].Optimizer);
        }
        loss.Title(title);
        loss.YLabel("test loss (mean ± std)");
        loss.ShowLegend(Edge.Right);
        if (classification)
        {
            var accuracy = multiplot.GetPlot(1);
            accuracy.YLabel("test accuracy % (mean ± std)");
            accuracy.ShowLegend(Edge.Right);
        }
        var bottom = multiplot.GetPlot(classification ? 1 : 0);
        bottom.XLabel("epoch");
        for (int p = 0; p < (classification ? 2 : 1); p++) Train.TrainingPlots.IntegerEpochs(multiplot.GetPlot(p));
        AtomicFile.WriteVia(path, temporary => multiplot.SavePng(temporary, 1100, classification ? 900 : 500));
    }

    private static void Band(Plot plot, IReadOnlyList<MeanStd> epochs, double scale, Color color, string label)
    {
        var finite = epochs.Select((s, i) => (Epoch: i + 1.0, s)).Where(x => double.IsFinite(x.s.Mean)).ToArray();
        if (finite.Length == 0) return;
        double[] xs = [.. finite.Select(x => x.Epoch)];
        if (finite.Any(x => x.s.Std > 0))
        {
            var band = plot.Add.FillY(xs, [.. finite.Select(x => scale * (x.s.Mean - x.s.Std))], [.. finite.Select(x => scale * (x.s.Mean + x.s.Std))]);
            (band.FillColor, band.LineColor) = (color.WithAlpha(0.2), Colors.Transparent);
        }
        var mean = plot.Add.Scatter(xs, [.. finite.Select(x => scale * x.s.Mean)]);
        (mean.Color, mean.LegendText, mean.LineWidth) = (color, label, 2);
    }
}

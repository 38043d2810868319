using AdaptiveLR.Cli.Output;
using ScottPlot;

namespace AdaptiveLR.Cli.Compare;

/// <summary>Every optimizer's curves over one another: test loss above, test accuracy below.</summary>
public static class ComparisonPlot
{
    public const string FileName = "comparison.png";

    public static void Save(IReadOnlyList<ComparisonResult> results, string dataDescription, string path)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var (loss, accuracy) = (multiplot.GetPlot(0), multiplot.GetPlot(1));
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            double[] epochs = [.. r.Epochs.Select(e => (double)e.Epoch)];
            var lossLine = loss.Add.Scatter(epochs, [.. r.Epochs.Select(e => e.TestLoss)]);
            (lossLine.LegendText, lossLine.Color) = (r.Optimizer, palette.GetColor(i));
            var accuracyLine = accuracy.Add.Scatter(epochs, [.. r.Epochs.Select(e => 100 * e.TestAccuracy)]);
            (accuracyLine.LegendText, accuracyLine.Color) = (r.Optimizer, palette.GetColor(i));
        }
        loss.Title($"Optimizers on {dataDescription} (same data, seed and initial weights)");
        loss.YLabel("test NLL loss");
        loss.ShowLegend();
        accuracy.XLabel("epoch");
        accuracy.YLabel("test accuracy (%)");
        accuracy.ShowLegend();
        Train.TrainingPlots.IntegerEpochs(loss);
        Train.TrainingPlots.IntegerEpochs(accuracy);
        AtomicFile.WriteVia(path, temporary => multiplot.SavePng(temporary, 900, 800));
    }
}

using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Training;
using ScottPlot;

namespace AdaptiveLR.Cli.Train;

/// <summary>The run's figures: loss and accuracy per epoch, and the effective learning rate per layer.</summary>
public static class TrainingPlots
{
    public const string CurvesName = "training.png", EffectiveLearningRateName = "effective-lr.png";

    public static void SaveCurves(Trainer trainer, string path)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var (losses, accuracy) = (multiplot.GetPlot(0), multiplot.GetPlot(1));
        double[] epochs = [.. trainer.History.Select(e => (double)e.Epoch)];

        losses.Add.Scatter(epochs, [.. trainer.History.Select(e => e.TrainLoss)]).LegendText = "train loss";
        losses.Add.Scatter(epochs, [.. trainer.History.Select(e => e.TestLoss)]).LegendText = "test loss";
        losses.Title($"{trainer.Plan.Hyperparameters.Algorithm} [{trainer.Plan.Implementation}] on {trainer.Data.Description}");
        losses.YLabel("NLL loss");
        losses.ShowLegend();

        accuracy.Add.Scatter(epochs, [.. trainer.History.Select(e => 100 * e.TestAccuracy)]).LegendText = "test accuracy";
        accuracy.XLabel("epoch");
        accuracy.YLabel("test accuracy (%)");
        accuracy.ShowLegend();

        foreach (var plot in new[] { losses, accuracy }) IntegerEpochs(plot);
        AtomicFile.WriteVia(path, temporary => multiplot.SavePng(temporary, 900, 800));
    }

    /// <summary>Per layer: the median as a solid line, the 10th and 90th percentiles dashed, on a log scale.</summary>
    public static void SaveEffectiveLearningRates(Trainer trainer, string path)
    {
        var plot = new Plot();
        double[] epochs = [.. trainer.History.Select(e => (double)e.Epoch)];
        var layers = trainer.History[0].EffectiveLearningRates.Select(l => l.Layer).ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < layers.Length; i++)
        {
            LayerLearningRates Of(EpochMetrics e) => e.EffectiveLearningRates[i];
            var color = palette.GetColor(i);
            var median = plot.Add.Scatter(epochs, [.. trainer.History.Select(e => Math.Log10(Of(e).Median))]);
            (median.LegendText, median.Color) = ($"{layers[i]} median", color);
            foreach (var band in new Func<EpochMetrics, double>[] { e => Of(e).P10, e => Of(e).P90 })
            {
                var line = plot.Add.Scatter(epochs, [.. trainer.History.Select(e => Math.Log10(band(e)))]);
                (line.Color, line.LinePattern, line.MarkerSize) = (color, LinePattern.Dashed, 0);
            }
        }
        plot.Title($"{trainer.Plan.Hyperparameters.Algorithm}: effective learning rate per layer (median; 10th, 90th percentiles dashed)");
        plot.XLabel("epoch");
        plot.YLabel("log10 effective learning rate");
        plot.ShowLegend();
        IntegerEpochs(plot);
        AtomicFile.WriteVia(path, temporary => plot.SavePng(temporary, 900, 600));
    }

    public static void IntegerEpochs(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
}

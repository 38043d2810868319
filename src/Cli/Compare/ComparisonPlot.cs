using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Plotting;
using ScottPlot;

namespace AdaptiveLR.Cli.Compare;

/// <summary>
/// Every optimizer's curves over one another: test loss above, test accuracy below, one legend.
/// Each optimizer has its own colour, line pattern and marker, and the first drawn is the widest,
/// and each optimizer's points sit a little beside the epoch (dodged, as in ggplot), so curves that
/// coincide (Adam, AdamW and AMSGrad; SGD and RMSProp at chance) all stay visible.
/// </summary>
public static class ComparisonPlot
{
    public const string FileName = "comparison.png";

    /// <summary>How far apart (in epochs) the first and last optimizer's points sit around each epoch.</summary>
    public const double Dodge = 0.2;

    public static void Save(IReadOnlyList<ComparisonResult> results, string dataDescription, string path)
    {
        var figure = Build(results, dataDescription, out var panels);
        Figure.SaveStacked(figure, panels, path, 380);
    }

    public static Multiplot Build(IReadOnlyList<ComparisonResult> results, string dataDescription, out Plot[] panels)
    {
        var figure = Figure.Stacked(2, out panels);
        var (loss, accuracy) = (panels[0], panels[1]);
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            double offset = results.Count > 1 ? Dodge * ((double)i / (results.Count - 1) - 0.5) : 0;
            double[] epochs = [.. r.Epochs.Select(e => e.Epoch + offset)];
            string label = ShortHyperparameters.Describe(r.Plan.Hyperparameters) + (r.Plan.Implementation == "ours" ? "" : $" [{r.Plan.Implementation}]");
            Line(loss, epochs, [.. r.Epochs.Select(e => e.TestLoss)], i, results.Count).LegendText = label;
            Line(accuracy, epochs, [.. r.Epochs.Select(e => 100 * e.TestAccuracy)], i, results.Count);
        }
        var plan = results[0].Plan;
        Figure.Title(loss,
            $"Optimizers on {dataDescription}: same data, seed ({plan.Seed}) and initial weights, batch size {plan.BatchSize}",
            $"lr schedule {plan.Schedule.Name}; gradient transformations: {plan.TransformsDescription}; {ShortHyperparameters.Note}");
        Figure.ValueAxis(loss, "test NLL loss");
        Figure.ValueAxis(accuracy, "test accuracy (%)");
        var allEpochs = results.SelectMany(r => r.Epochs).Select(e => e.Epoch).ToArray();
        Figure.CountAxis(panels, results.Count > 1 ? $"epoch (optimizers' points offset up to ±{(Dodge / 2).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} to stay visible)" : "epoch", allEpochs.Min() - Dodge / 2, allEpochs.Max() + Dodge / 2);
        Figure.LegendOutside(loss);
        Figure.Arrange(panels);
        return figure;
    }

    private static ScottPlot.Plottables.Scatter Line(Plot panel, double[] x, double[] y, int index, int count)
    {
        var style = SeriesStyle.Of(index);
        var (width, markerSize) = SeriesStyle.Layered(index, count);
        var line = panel.Add.Scatter(x, y);
        (line.Color, line.LinePattern, line.LineWidth) = (style.Color.WithAlpha(0.9), style.Pattern, width);
        (line.MarkerShape, line.MarkerSize) = (style.Marker, x.Length <= 60 ? markerSize : 0);
        return line;
    }
}

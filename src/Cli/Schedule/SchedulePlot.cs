using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Plotting;
using ScottPlot;

namespace AdaptiveLR.Cli.Schedule;

/// <summary>A schedule's learning rate at every step, from zero up: the shape of the schedule at a glance.</summary>
public static class SchedulePlot
{
    public static void Save(double[] rates, string description, string path)
    {
        var plot = Build(rates, description);
        AtomicFile.WriteVia(path, temporary => plot.SavePng(temporary, Figure.Width, 500));
    }

    public static Plot Build(double[] rates, string description)
    {
        var plot = new Plot();
        var line = plot.Add.Signal(rates);
        (line.LineWidth, line.MarkerSize) = (2, rates.Length <= 60 ? 6 : 0);
        Figure.Title(plot, $"{description}: learning rate at each of {rates.Length} steps");
        Figure.ValueAxis(plot, "learning rate");
        Figure.CountAxis([plot], "step", 0, rates.Length - 1);
        var finite = rates.Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        double low = Math.Min(0, finite.Min()), high = Math.Max(0, finite.Max());
        double room = high > low ? 0.05 * (high - low) : 1;
        // A learning rate is not negative: the axis starts at 0 rather than below it.
        plot.Axes.SetLimitsY(low < 0 ? low - room : 0, high + room);
        Figure.Arrange([plot]);
        return plot;
    }
}

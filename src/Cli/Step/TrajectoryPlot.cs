using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Plotting;
using ScottPlot;

namespace AdaptiveLR.Cli.Step;

/// <summary>The seed's two-panel figure: x over the steps above, the state quantities below, on one step axis.</summary>
public static class TrajectoryPlot
{
    public static void Save(Trajectory trajectory, string path)
    {
        var figure = Build(trajectory, out var panels);
        Figure.SaveStacked(figure, panels, path, 360);
    }

    public static Multiplot Build(Trajectory trajectory, out Plot[] panels)
    {
        var figure = Figure.Stacked(2, out panels);
        var (top, bottom) = (panels[0], panels[1]);
        double[] steps = [0, .. trajectory.Rows.Select(r => (double)r.Step)];
        int size = trajectory.X0.Length;

        for (int i = 0; i < size; i++)
        {
            double[] x = [trajectory.X0[i], .. trajectory.Rows.Select(r => r.X[i])];
            Add(top, steps, x, size == 1 ? "x" : $"x[{i}]", i, size);
        }
        int series = 0, count = trajectory.QuantityNames.Length * size;
        foreach (string name in trajectory.QuantityNames)
        {
            for (int i = 0; i < size; i++)
            {
                double[] values = [.. trajectory.Rows.Select(r => r.State[name][i])];
                Add(bottom, steps[1..], values, size == 1 ? name : $"{name}[{i}]", series, count);
                series++;
            }
        }
        string start = string.Join(", ", trajectory.X0.Select(v => HyperparameterText.Format(v)));
        Figure.Title(top, $"{HyperparameterText.Describe(trajectory.Hyperparameters)}", $"on {trajectory.Source.Description}, from x0 = [{start}], {trajectory.Rows.Length} steps");
        Figure.ValueAxis(top, "x");
        Figure.ValueAxis(bottom, "state (after the step)");
        Figure.CountAxis(panels, "step", 0, trajectory.Rows.Length);
        foreach (var panel in panels) Figure.LegendOutside(panel);
        Figure.Arrange(panels);
        return figure;
    }

    private static void Add(Plot panel, double[] steps, double[] values, string label, int index, int count)
    {
        var style = SeriesStyle.Of(index);
        var (width, markerSize) = SeriesStyle.Layered(index, count, widest: 3);
        var line = panel.Add.Scatter(steps, values);
        (line.LegendText, line.Color, line.LinePattern, line.LineWidth) = (label, style.Color, style.Pattern, width);
        (line.MarkerShape, line.MarkerSize) = (style.Marker, steps.Length <= 60 ? markerSize : 0);
    }
}

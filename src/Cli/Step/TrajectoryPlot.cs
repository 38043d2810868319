using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Plotting;
using ScottPlot;

namespace AdaptiveLR.Cli.Step;

/// <summary>The seed's two-panel figure: x over the steps above, the state quantities below, on one step axis.</summary>
public static class TrajectoryPlot
{
    /// <summary>Lines of the figure: x and each state quantity, per coordinate.</summary>
    public static long Lines(Trajectory trajectory) => (long)trajectory.X0.Length * (1 + trajectory.QuantityNames.Length);

    public static void Save(Trajectory trajectory, string path)
    {
        var figure = Build(trajectory, out var panels);
        Figure.SaveStacked(figure, panels, path, 360);
    }

    public static Multiplot Build(Trajectory trajectory, out Plot[] panels)
    {
        var figure = Figure.Stacked(2, out panels);
        var (top, bottom) = (panels[0], panels[1]);
        int size = trajectory.X0.Length, stepCount = trajectory.Steps;
        var names = trajectory.QuantityNames;
        var coordinates = names.Select(trajectory.Coordinates).ToArray();
        // One pass over the rows, keeping only the plotted numbers (bounded by PlotLimits, checked before any work).
        double[] steps = [.. Enumerable.Range(0, stepCount + 1).Select(s => (double)s)];
        var xs = Enumerable.Range(0, size).Select(_ => new double[stepCount + 1]).ToArray();
        var states = names.Select(_ => Enumerable.Range(0, size).Select(_ => new double[stepCount]).ToArray()).ToArray();
        for (int i = 0; i < size; i++) xs[i][0] = trajectory.X0[i];
        foreach (var row in trajectory.Rows())
        {
            for (int i = 0; i < size; i++)
            {
                xs[i][row.Step] = row.X[i];
                for (int q = 0; q < names.Length; q++)
                {
                    // A sampled quantity holds every slice_p-th coordinate; the others stay NaN (not drawn).
                    int held = coordinates[q].IndexOf(i);
                    states[q][i][row.Step - 1] = held >= 0 ? row.State[names[q]][held] : double.NaN;
                }
            }
        }

        for (int i = 0; i < size; i++) SeriesStyle.AddLine(top, steps, xs[i], size == 1 ? "x" : $"x[{i}]", i, size);
        int series = 0, count = names.Length * size;
        for (int q = 0; q < names.Length; q++)
        {
            foreach (int i in coordinates[q])
            {
                SeriesStyle.AddLine(bottom, steps[1..], states[q][i], size == 1 ? names[q] : $"{names[q]}[{i}]", series, count);
                series++;
            }
        }
        string start = string.Join(", ", trajectory.X0.Select(v => HyperparameterText.Format(v)));
        Figure.Title(top, $"{HyperparameterText.Describe(trajectory.Hyperparameters)}", $"on {trajectory.Source.Description}, from x0 = [{start}], {trajectory.Steps} steps");
        Figure.ValueAxis(top, "x");
        Figure.ValueAxis(bottom, "state (after the step)");
        Figure.CountAxis(panels, "step", 0, trajectory.Steps);
        foreach (var panel in panels) Figure.LegendOutside(panel);
        Figure.Arrange(panels);
        return figure;
    }
}

using AdaptiveLR.Cli.Output;
using ScottPlot;

namespace AdaptiveLR.Cli.Step;

/// <summary>The seed's two-panel figure: x over the steps above, the state quantities below.</summary>
public static class TrajectoryPlot
{
    public static void Save(Trajectory trajectory, string path)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var (top, bottom) = (multiplot.GetPlot(0), multiplot.GetPlot(1));
        double[] steps = [0, .. trajectory.Rows.Select(r => (double)r.Step)];
        int size = trajectory.X0.Length;

        for (int i = 0; i < size; i++)
        {
            double[] x = [trajectory.X0[i], .. trajectory.Rows.Select(r => r.X[i])];
            var line = top.Add.Scatter(steps, x);
            line.LegendText = size == 1 ? "x" : $"x[{i}]";
        }
        top.Title($"{trajectory.Hyperparameters.Algorithm} on {trajectory.Source.Description}");
        top.YLabel("x");
        top.ShowLegend();

        foreach (string name in trajectory.QuantityNames)
        {
            for (int i = 0; i < size; i++)
            {
                double[] values = [.. trajectory.Rows.Select(r => r.State[name][i])];
                var line = bottom.Add.Scatter(steps[1..], values);
                line.LegendText = size == 1 ? name : $"{name}[{i}]";
            }
        }
        bottom.XLabel("step");
        bottom.YLabel("state");
        bottom.ShowLegend();

        AtomicFile.WriteVia(path, temporary => multiplot.SavePng(temporary, 900, 800));
    }
}

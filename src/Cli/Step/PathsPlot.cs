using AdaptiveLR.Cli.Output;
using ScottPlot;

namespace AdaptiveLR.Cli.Step;

/// <summary>Every optimizer's path over the contour lines of a 2-D test function, from the same start.</summary>
public static class PathsPlot
{
    private const int GridPoints = 120;

    public static void Save(IReadOnlyList<Trajectory> trajectories, TestFunction function, string path)
    {
        var plot = new Plot();
        var (xMin, xMax, yMin, yMax) = Bounds(trajectories, function);
        var grid = new Coordinates3d[GridPoints, GridPoints];
        for (int row = 0; row < GridPoints; row++)
        {
            for (int column = 0; column < GridPoints; column++)
            {
                double x = xMin + (xMax - xMin) * column / (GridPoints - 1), y = yMin + (yMax - yMin) * row / (GridPoints - 1);
                // log10(1 + f) spaces the levels evenly from the valley floor to the walls.
                grid[row, column] = new Coordinates3d(x, y, Math.Log10(1 + function.Value(x, y)));
            }
        }
        var contours = plot.Add.ContourLines(grid, 20);
        contours.LineColor = Colors.LightGray;
        contours.LabelStyle.IsVisible = false;

        foreach (var trajectory in trajectories)
        {
            double[] xs = [trajectory.X0[0], .. trajectory.Rows.Select(r => r.X[0])];
            double[] ys = [trajectory.X0[1], .. trajectory.Rows.Select(r => r.X[1])];
            var line = plot.Add.Scatter(xs, ys);
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = trajectory.Hyperparameters.Algorithm;
        }
        plot.Add.Marker(function.Minimum[0], function.Minimum[1], MarkerShape.FilledDiamond, 12, Colors.Black).LegendText = "minimum";
        plot.Add.Marker(trajectories[0].X0[0], trajectories[0].X0[1], MarkerShape.FilledCircle, 10, Colors.Gray).LegendText = "start";
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        plot.Title($"{function.Description}, {trajectories[0].Rows.Length} steps");
        plot.XLabel("x");
        plot.YLabel("y");
        plot.ShowLegend();
        AtomicFile.WriteVia(path, temporary => plot.SavePng(temporary, 900, 750));
    }

    /// <summary>The function's usual view, widened to every path that leaves it (within reason).</summary>
    private static (double, double, double, double) Bounds(IReadOnlyList<Trajectory> trajectories, TestFunction function)
    {
        var (xMin, xMax, yMin, yMax) = function.View;
        foreach (var row in trajectories.SelectMany(t => t.Rows).Where(r => r.X.All(double.IsFinite)))
        {
            (xMin, xMax) = (Math.Min(xMin, row.X[0]), Math.Max(xMax, row.X[0]));
            (yMin, yMax) = (Math.Min(yMin, row.X[1]), Math.Max(yMax, row.X[1]));
        }
        var (width, height) = (function.View.XMax - function.View.XMin, function.View.YMax - function.View.YMin);
        return (Math.Max(xMin, function.View.XMin - 2 * width), Math.Min(xMax, function.View.XMax + 2 * width),
                Math.Max(yMin, function.View.YMin - 2 * height), Math.Min(yMax, function.View.YMax + 2 * height));
    }
}

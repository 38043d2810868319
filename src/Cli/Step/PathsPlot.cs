using AdaptiveLR.Cli.Messages;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Plotting;
using ScottPlot;

namespace AdaptiveLR.Cli.Step;

/// <summary>
/// Every optimizer's path over the contour lines of a 2-D test function, from the same start. Each path
/// has its own colour, line pattern and end marker; the first drawn is the widest, so paths that run
/// along one another (the Rosenbrock valley) all stay visible.
/// </summary>
public static class PathsPlot
{
    private const int GridPoints = 300, Levels = 14;

    public static void Save(IReadOnlyList<Trajectory> trajectories, TestFunction function, string path)
    {
        var plot = Build(trajectories, function);
        AtomicFile.WriteVia(path, temporary => plot.SavePng(temporary, Figure.Width, 800));
    }

    public static Plot Build(IReadOnlyList<Trajectory> trajectories, TestFunction function)
    {
        var plot = new Plot();
        var paths = trajectories.Select(t => (Name: t.Hyperparameters.Algorithm, Points: Points(t))).ToArray();
        var frame = PathFrame.Around(function.View, paths.Select(p => (p.Name, (IReadOnlyList<(double, double)>)p.Points)));
        AddContours(plot, function, frame);
        plot.Add.Marker(function.Minimum[0], function.Minimum[1], MarkerShape.OpenCircleWithCross, 18, Colors.Black);
        plot.Add.Marker(trajectories[0].X0[0], trajectories[0].X0[1], MarkerShape.OpenCircle, 14, Colors.Black);
        var ends = new List<Action>();

        for (int i = 0; i < paths.Length; i++)
        {
            var style = SeriesStyle.Of(i);
            var (width, markerSize) = SeriesStyle.Layered(i, paths.Length, widest: 5);
            var drawn = frame.Drawable(paths[i].Points);
            var line = plot.Add.Scatter(drawn.Select(p => p.X).ToArray(), drawn.Select(p => p.Y).ToArray());
            (line.Color, line.LineWidth, line.LinePattern, line.MarkerSize) = (style.Color.WithAlpha(0.85), width, style.Pattern, 0);
            var end = drawn.Count > 0 ? drawn[^1] : paths[i].Points[0];
            // Ends go on top of every line, the first path's (largest) first.
            ends.Add(() => plot.Add.Marker(end.X, end.Y, style.Marker, markerSize + 2, style.Color).MarkerLineColor = Colors.Black);
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = paths[i].Name + (frame.Clipped.Contains(paths[i].Name) ? " (leaves the frame)" : ""),
                LineColor = style.Color,
                LineWidth = Math.Min(width, 3),
                LinePattern = style.Pattern,
                MarkerShape = style.Marker,
                MarkerFillColor = style.Color,
                MarkerLineColor = Colors.Black,
                MarkerSize = 10,
            });
        }
        foreach (var addEnd in ends) addEnd();
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "minimum", MarkerShape = MarkerShape.OpenCircleWithCross, MarkerFillColor = Colors.Black, MarkerLineColor = Colors.Black, MarkerSize = 12 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "start", MarkerShape = MarkerShape.OpenCircle, MarkerLineColor = Colors.Black, MarkerLineWidth = 1.5f, MarkerSize = 10 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "end of a path", MarkerShape = MarkerShape.OpenSquare, MarkerLineColor = Colors.Black, MarkerLineWidth = 1.5f, MarkerSize = 10 });

        plot.Axes.SetLimits(frame.XMin, frame.XMax, frame.YMin, frame.YMax);
        Figure.Title(plot,
            $"{function.Description}; {trajectories[0].Steps} steps from ({Number(trajectories[0].X0[0])}, {Number(trajectories[0].X0[1])})",
            $"{string.Join(", ", trajectories.Select(t => ShortHyperparameters.Describe(t.Hyperparameters)))}; {ShortHyperparameters.Note}",
            "contour levels: f - min(f) evenly spaced on a log scale"
                + (frame.Clipped.Count switch
                {
                    0 => "",
                    1 => $"; clipped: {frame.Clipped[0]} leaves the frame",
                    _ => $"; clipped: {string.Join(", ", frame.Clipped)} leave the frame",
                }));
        plot.Axes.Left.TickGenerator = new UniformTicks();
        plot.Axes.Bottom.TickGenerator = new UniformTicks();
        plot.XLabel("x");
        plot.YLabel("y");
        Figure.LegendOutside(plot);
        Figure.Arrange([plot]);
        return plot;
    }

    /// <summary>Start and every step's position (only these are kept, not the rows; bounded by PlotLimits).</summary>
    public static (double X, double Y)[] Points(Trajectory trajectory) =>
        [(trajectory.X0[0], trajectory.X0[1]), .. trajectory.Rows().Select(r => (r.X[0], r.X[1]))];

    private static void AddContours(Plot plot, TestFunction function, PathFrame frame)
    {
        var grid = new Coordinates3d[GridPoints, GridPoints];
        var values = new List<double>(GridPoints * GridPoints);
        for (int row = 0; row < GridPoints; row++)
        {
            for (int column = 0; column < GridPoints; column++)
            {
                double x = frame.XMin + (frame.XMax - frame.XMin) * column / (GridPoints - 1), y = frame.YMin + (frame.YMax - frame.YMin) * row / (GridPoints - 1);
                double value = function.Value(x, y);
                values.Add(value);
                grid[row, column] = new Coordinates3d(x, y, value);
            }
        }
        // Interpolated between grid points in log(f - min): the walls' steep growth becomes even, so thin
        // contours along a valley close instead of breaking into fragments.
        double floor = values.Where(double.IsFinite).DefaultIfEmpty(0).Min();
        double tiny = Math.Max(1e-12, 1e-9 * (values.Where(double.IsFinite).DefaultIfEmpty(1).Max() - floor));
        double Log(double value) => Math.Log10(value - floor + tiny);
        for (int row = 0; row < GridPoints; row++)
        {
            for (int column = 0; column < GridPoints; column++) grid[row, column] = grid[row, column] with { Z = Log(grid[row, column].Z) };
        }
        var contours = plot.Add.ContourLines(grid);
        contours.ContourLineLevels = [.. ContourLevels.LogSpaced(values, Levels).Select(Log)];
        contours.Update(grid);
        contours.LineColor = Colors.Gray.WithAlpha(0.45);
        contours.LabelStyle.IsVisible = false;
    }

    private static string Number(double value) => value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
}

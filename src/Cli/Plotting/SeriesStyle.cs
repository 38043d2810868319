using ScottPlot;

namespace AdaptiveLR.Cli.Plotting;

/// <summary>
/// The n-th series' look: a colour, a line pattern and a marker shape that all differ from its
/// neighbours', so series stay apart in grey-scale print and where they lie on one another.
/// </summary>
public sealed record SeriesStyle(Color Color, LinePattern Pattern, MarkerShape Marker)
{
    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    private static readonly LinePattern[] Patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    private static readonly MarkerShape[] Markers =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown, MarkerShape.OpenCircle, MarkerShape.OpenSquare, MarkerShape.Eks];

    public static SeriesStyle Of(int index) =>
        new(Palette.GetColor(index), Patterns[index % Patterns.Length], Markers[index % Markers.Length]);

    /// <summary>
    /// Line width and marker size for the index-th of count series drawn in order: the first drawn
    /// is the widest, so a series that lies under later ones still shows around them.
    /// </summary>
    public static (float LineWidth, float MarkerSize) Layered(int index, int count, float thinnest = 1.5f, float widest = 6f)
    {
        float fraction = count <= 1 ? 0 : (float)index / (count - 1);
        float width = widest - (widest - thinnest) * fraction;
        return (width, 4 + 3f * width);
    }

    /// <summary>
    /// Adds the index-th of count series as a line in its own style, layered (first drawn widest),
    /// with markers only where there are few enough points to tell apart.
    /// </summary>
    public static void AddLine(Plot panel, double[] x, double[] y, string label, int index, int count)
    {
        var style = Of(index);
        var (width, markerSize) = Layered(index, count, widest: 3);
        var line = panel.Add.Scatter(x, y);
        (line.LegendText, line.Color, line.LinePattern, line.LineWidth) = (label, style.Color, style.Pattern, width);
        (line.MarkerShape, line.MarkerSize) = (style.Marker, x.Length <= 60 ? markerSize : 0);
    }
}

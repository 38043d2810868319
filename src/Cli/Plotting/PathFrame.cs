namespace AdaptiveLR.Cli.Plotting;

/// <summary>
/// The region a paths plot shows: the function's usual view widened to hold every finite point of
/// every path, but never wider than <see cref="Reach"/> view sizes beyond it, so a path that runs
/// away cannot shrink the others to a dot; the paths that leave it are named.
/// </summary>
public sealed record PathFrame(double XMin, double XMax, double YMin, double YMax, IReadOnlyList<string> Clipped)
{
    private (double XMin, double XMax, double YMin, double YMax) limit;

    public const double Reach = 2, Margin = 0.04;

    public static PathFrame Around((double XMin, double XMax, double YMin, double YMax) view, IEnumerable<(string Name, IReadOnlyList<(double X, double Y)> Points)> paths)
    {
        var (width, height) = (view.XMax - view.XMin, view.YMax - view.YMin);
        var (capXMin, capXMax, capYMin, capYMax) = (view.XMin - Reach * width, view.XMax + Reach * width, view.YMin - Reach * height, view.YMax + Reach * height);
        var (xMin, xMax, yMin, yMax) = view;
        var clipped = new List<string>();
        foreach (var (name, points) in paths)
        {
            bool leaves = false;
            foreach (var (x, y) in points)
            {
                if (!double.IsFinite(x) || !double.IsFinite(y) || x < capXMin || x > capXMax || y < capYMin || y > capYMax)
                {
                    leaves = true;
                    continue;
                }
                (xMin, xMax, yMin, yMax) = (Math.Min(xMin, x), Math.Max(xMax, x), Math.Min(yMin, y), Math.Max(yMax, y));
            }
            if (leaves) clipped.Add(name);
        }
        // The margin never reaches past the cap: a point beyond it must stay outside the frame.
        var (padX, padY) = (Margin * (xMax - xMin), Margin * (yMax - yMin));
        return new PathFrame(Math.Max(capXMin, xMin - padX), Math.Min(capXMax, xMax + padX), Math.Max(capYMin, yMin - padY), Math.Min(capYMax, yMax + padY), clipped)
        { limit = (capXMin, capXMax, capYMin, capYMax) };
    }

    /// <summary>The path up to where it first leaves the frame's reach (or stops being finite): what can be drawn.</summary>
    public IReadOnlyList<(double X, double Y)> Drawable(IReadOnlyList<(double X, double Y)> points)
    {
        int count = 0;
        while (count < points.Count && points[count] is var (x, y) && double.IsFinite(x) && double.IsFinite(y)
            && x >= limit.XMin && x <= limit.XMax && y >= limit.YMin && y <= limit.YMax) count++;
        return points.Take(count).ToArray();
    }

    public bool Contains(double x, double y) => x >= XMin && x <= XMax && y >= YMin && y <= YMax;
}

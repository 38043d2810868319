namespace AdaptiveLR.Cli.Plotting;

/// <summary>
/// Contour levels for test functions, whose values span many decades (Rosenbrock from 0 in its valley
/// to thousands on its walls): evenly spaced in log(f - min). The lowest level encloses a few percent
/// of the grid, so each contour is wide enough for the grid to draw it whole, with no stray fragments.
/// </summary>
public static class ContourLevels
{
    public const double LowestShare = 0.03, HighestShare = 0.97;

    /// <summary><paramref name="count"/> levels of f, geometric in f - min(values), from the lowest to the highest share of the values.</summary>
    public static double[] LogSpaced(IReadOnlyCollection<double> values, int count)
    {
        var finite = values.Where(double.IsFinite).Order().ToArray();
        if (finite.Length < 2 || count < 1) return [];
        double floor = finite[0];
        double low = finite[(int)(LowestShare * (finite.Length - 1))] - floor, high = finite[(int)(HighestShare * (finite.Length - 1))] - floor;
        if (!(low > 0)) low = finite.Select(v => v - floor).FirstOrDefault(v => v > 0);
        if (!(high > low)) return low > 0 ? [floor + low] : [];
        double ratio = Math.Pow(high / low, 1.0 / Math.Max(1, count - 1));
        return [.. Enumerable.Range(0, count).Select(i => floor + low * Math.Pow(ratio, i))];
    }
}

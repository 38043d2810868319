namespace AdaptiveLR.Cli.Plotting;

/// <summary>Tick spacings people read at a glance: 1, 2 or 5 times a power of ten.</summary>
public static class NiceStep
{
    /// <summary>The smallest 1-2-5 spacing that puts at most <paramref name="maxCount"/> ticks on <paramref name="span"/>.</summary>
    public static double AtLeast(double span, int maxCount)
    {
        double raw = span / Math.Max(1, maxCount - 1);
        if (!(raw > 0) || !double.IsFinite(raw)) return 1;
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (double factor in new[] { 1.0, 2, 5, 10 })
        {
            if (factor * power >= raw * (1 - 1e-12)) return factor * power;
        }
        return 10 * power;
    }

    /// <summary>The multiples of <paramref name="step"/> in [min, max].</summary>
    public static IEnumerable<double> Multiples(double min, double max, double step)
    {
        double first = Math.Ceiling(min / step - 1e-9), last = Math.Floor(max / step + 1e-9);
        for (double k = first; k <= last; k++) yield return k * step + 0.0; // + 0.0 turns -0 into 0
    }

    /// <summary>Minor spacing for a major spacing: fifths of a 1 or 5, halves of a 2.</summary>
    public static double Minor(double step)
    {
        double leading = step / Math.Pow(10, Math.Floor(Math.Log10(step)));
        return Math.Abs(leading - 2) < 1e-9 ? step / 2 : step / 5;
    }
}

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

    /// <summary>
    /// The spacing of <see cref="AtLeast"/>, made finer (down to <paramref name="finest"/>) while it
    /// would label fewer than two values of [min, max]: an axis needs two labels to be read.
    /// </summary>
    public static double Labelling(double min, double max, int maxCount, double finest = 0)
    {
        double step = Math.Max(finest, AtLeast(max - min, maxCount));
        while (Multiples(min, max, step).Count() < 2 && Smaller(step) is var smaller && smaller >= finest && smaller > 0 && smaller < step) step = smaller;
        return step;
    }

    /// <summary>The next 1-2-5 spacing below <paramref name="step"/>.</summary>
    public static double Smaller(double step)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(step) + 1e-9)), leading = Math.Round(step / power);
        return leading switch { >= 5 => 2 * power, >= 2 => power, _ => power / 2 };
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

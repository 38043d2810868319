namespace AdaptiveLR.Torch.Benchmarking;

/// <summary>Order statistics of timings: the median and the interquartile range.</summary>
public static class Statistics
{
    /// <summary>The middle value (the mean of the two middle ones for an even count); NaN when empty.</summary>
    public static double Median(double[] values) => Quantile(values, 0.5);

    /// <summary>The 25th and 75th percentiles.</summary>
    public static (double Low, double High) Quartiles(double[] values) => (Quantile(values, 0.25), Quantile(values, 0.75));

    /// <summary>The <paramref name="q"/>-quantile, interpolated between the two nearest ranks; NaN when empty.</summary>
    public static double Quantile(double[] values, double q)
    {
        if (values.Length == 0) return double.NaN;
        double[] sorted = [.. values.Order()];
        double rank = q * (sorted.Length - 1);
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}

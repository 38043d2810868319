using System.Globalization;

namespace AdaptiveLR.Cli.Compare;

/// <summary>The mean and the sample standard deviation (n − 1; 0 for a single value) of a quantity over seeds.</summary>
public readonly record struct MeanStd(double Mean, double Std, int Count)
{
    public static MeanStd Of(IEnumerable<double> values)
    {
        double[] v = [.. values];
        if (v.Length == 0) return new(double.NaN, double.NaN, 0);
        double mean = v.Average();
        double std = v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return new(mean, std, v.Length);
    }

    /// <summary>"97.12 ± 0.15%" for fractions (as percentages); "97.12%" from a single seed.</summary>
    public string Percent() => double.IsNaN(Mean) ? "—" : Count < 2
        ? (100 * Mean).ToString("0.00", CultureInfo.InvariantCulture) + "%"
        : $"{(100 * Mean).ToString("0.00", CultureInfo.InvariantCulture)} ± {(100 * Std).ToString("0.00", CultureInfo.InvariantCulture)}%";

    /// <summary>"0.1234 ± 0.0056"; "0.1234" from a single seed.</summary>
    public string Loss() => !double.IsFinite(Mean) ? Mean.ToString(CultureInfo.InvariantCulture) : Count < 2
        ? Format(Mean)
        : $"{Format(Mean)} ± {Format(Std)}";

    private static string Format(double value) => Math.Abs(value) >= 1000 ? value.ToString("0.0", CultureInfo.InvariantCulture) : value.ToString("0.0000", CultureInfo.InvariantCulture);
}

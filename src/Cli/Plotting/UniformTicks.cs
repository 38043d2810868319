using System.Globalization;
using ScottPlot;

namespace AdaptiveLR.Cli.Plotting;

/// <summary>
/// Ticks for a linear axis whose labels share one number format: all fixed-point with the same
/// decimals, or all with the same power of ten ("0.5e-4, 1.0e-4, 1.5e-4"), never a mix of both.
/// </summary>
public sealed class UniformTicks : ITickGenerator
{
    public const float PixelsPerLabel = 28;

    public Tick[] Ticks { get; set; } = [];

    public int MaxTickCount { get; set; } = 1000;

    public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle) =>
        Ticks = For(range.Min, range.Max, Math.Max(2, (int)(size.Length / (edge.IsHorizontal() ? 2 * PixelsPerLabel : PixelsPerLabel))));

    public static Tick[] For(double min, double max, int maxLabels)
    {
        if (!(max > min) || !double.IsFinite(min) || !double.IsFinite(max)) return [];
        double step = NiceStep.Labelling(min, max, maxLabels);
        var majors = NiceStep.Multiples(min, max, step).Select(m => Math.Abs(m) < step * 1e-9 ? 0 : m).ToArray();
        var format = Format(step, majors.Length == 0 ? 0 : majors.Max(Math.Abs));
        double minor = NiceStep.Minor(step);
        var minors = NiceStep.Multiples(min, max, minor).Where(m => !majors.Any(major => Math.Abs(major - m) < minor / 2));
        return [.. majors.Select(m => Tick.Major(m, format(m))), .. minors.Select(Tick.Minor)];
    }

    /// <summary>One formatter for every label of an axis with this spacing and largest magnitude.</summary>
    public static Func<double, string> Format(double step, double largest)
    {
        int stepExponent = (int)Math.Floor(Math.Log10(step) + 1e-9);
        int exponent = largest > 0 ? (int)Math.Floor(Math.Log10(largest) + 1e-9) : stepExponent;
        if (exponent is >= -3 and < 6)
        {
            string fixedPoint = "F" + Math.Max(0, -stepExponent);
            return value => value.ToString(fixedPoint, CultureInfo.InvariantCulture);
        }
        string mantissa = "F" + Math.Max(0, exponent - stepExponent);
        double scale = Math.Pow(10, exponent);
        return value => value == 0 ? "0" : $"{(value / scale).ToString(mantissa, CultureInfo.InvariantCulture)}e{exponent}";
    }
}

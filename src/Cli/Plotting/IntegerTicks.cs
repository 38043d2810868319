using System.Globalization;
using ScottPlot;

namespace AdaptiveLR.Cli.Plotting;

/// <summary>Ticks for counts (steps, epochs): labels only at whole numbers, minor ticks only at whole numbers.</summary>
public sealed class IntegerTicks : ITickGenerator
{
    /// <summary>Room one label needs along the axis.</summary>
    public const float PixelsPerLabel = 70;

    public Tick[] Ticks { get; set; } = [];

    public int MaxTickCount { get; set; } = 1000;

    public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle) =>
        Ticks = For(range.Min, range.Max, Math.Max(2, (int)(size.Length / PixelsPerLabel)));

    public static Tick[] For(double min, double max, int maxLabels)
    {
        if (!(max >= min) || !double.IsFinite(min) || !double.IsFinite(max)) return [];
        double step = NiceStep.Labelling(min, max, maxLabels, finest: 1);
        var majors = NiceStep.Multiples(min, max, step).ToArray();
        double minor = NiceStep.Minor(step);
        var minors = minor >= 1 && minor == Math.Floor(minor)
            ? NiceStep.Multiples(min, max, minor).Where(m => !majors.Any(major => Math.Abs(major - m) < minor / 2))
            : [];
        return [.. majors.Select(m => Tick.Major(m, m.ToString("0", CultureInfo.InvariantCulture))), .. minors.Select(Tick.Minor)];
    }
}

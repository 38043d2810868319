using System.Globalization;
using ScottPlot;

namespace AdaptiveLR.Cli.Plotting;

/// <summary>
/// Ticks for an axis that shows log10 of the data (ScottPlot 5 has no log axis: plot log10 values
/// and label them with this). Labels are the values, "1e-3", "2e-3", "5e-3"; decades are labelled,
/// and 2 and 5 (then every digit) too when the axis spans too few decades to read; the other
/// digits are minor ticks.
/// </summary>
public sealed class LogTicks : ITickGenerator
{
    public const float PixelsPerLabel = 30;

    public Tick[] Ticks { get; set; } = [];

    public int MaxTickCount { get; set; } = 1000;

    public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle) =>
        Ticks = For(range.Min, range.Max, Math.Max(2, (int)(size.Length / (edge.IsHorizontal() ? 2 * PixelsPerLabel : PixelsPerLabel))));

    public static Tick[] For(double min, double max, int maxLabels)
    {
        if (!(max > min) || !double.IsFinite(min) || !double.IsFinite(max)) return [];
        int firstDecade = (int)Math.Floor(min), lastDecade = (int)Math.Ceiling(max);
        var candidates = Enumerable.Range(firstDecade, lastDecade - firstDecade + 1)
            .SelectMany(decade => Enumerable.Range(1, 9).Select(digit => (Digit: digit, Decade: decade, Position: decade + Math.Log10(digit))))
            .Where(c => c.Position >= min - 1e-9 && c.Position <= max + 1e-9)
            .ToArray();
        int[][] labelledDigits = [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]];
        int[]? labelled = labelledDigits.FirstOrDefault(digits => candidates.Count(c => digits.Contains(c.Digit)) >= 3);
        if (labelled is null && candidates.Length < 2) return WithinOneDigit(min, max, maxLabels);
        labelled ??= labelledDigits[^1];
        // Label every n-th decade, n the smallest that fits maxLabels while still labelling two decades
        // (or, if none fits, the sparsest that labels two): one label says nothing about the scale.
        int DecadeLabels(int stride) => candidates.Count(c => c.Digit == 1 && c.Decade % stride == 0);
        int[] strides = labelled.Length == 1 ? [.. Enumerable.Range(1, lastDecade - firstDecade + 1).Where(stride => DecadeLabels(stride) >= 2)] : [];
        int decadeStride = strides.Length == 0 ? 1 : strides.FirstOrDefault(stride => DecadeLabels(stride) <= maxLabels, strides[^1]);
        bool IsMajor((int Digit, int Decade, double Position) c) =>
            labelled.Contains(c.Digit) && (c.Digit != 1 || c.Decade % decadeStride == 0) && (decadeStride == 1 || c.Digit == 1);
        return [.. candidates.Select(c => IsMajor(c)
            ? Tick.Major(c.Position, Label(c.Digit, c.Decade))
            : Tick.Minor(c.Position))];
    }

    /// <summary>A span too narrow for two digits of a decade: evenly spaced values, placed at their logarithms.</summary>
    private static Tick[] WithinOneDigit(double min, double max, int maxLabels) =>
        [.. UniformTicks.For(Math.Pow(10, min), Math.Pow(10, max), maxLabels).Where(t => t.Position > 0)
            .Select(t => t.IsMajor ? Tick.Major(Math.Log10(t.Position), t.Label) : Tick.Minor(Math.Log10(t.Position)))];

    public static string Label(int digit, int decade) => $"{digit.ToString(CultureInfo.InvariantCulture)}e{decade.ToString(CultureInfo.InvariantCulture)}";
}

using AdaptiveLR.Cli.Compare;
using AdaptiveLR.Cli.LrFind;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>The suggestions and the statistics of a comparison, as properties of their inputs.</summary>
public sealed class LrSuggestionsProperties
{
    private static LrRangePoint[] Curve(double[] smoothed)
    {
        var settings = new LrRangeTestSettings(StartLr: 1e-6, EndLr: 1, Steps: smoothed.Length);
        return [.. smoothed.Select((s, i) => new LrRangePoint(i + 1, settings.LearningRate(i), s, s))];
    }

    [Property(MaxTest = 300)]
    public Property MinimumOver10IsTheLowestSmoothedLossAfterTheWarmUpOverTen(NonEmptyArray<NormalFloat> losses)
    {
        double[] smoothed = [.. losses.Get.Select(l => Math.Abs(l.Get))];
        var points = Curve(smoothed);
        var s = LrSuggestions.From(points);
        if (points.Length < LrSuggestions.MinimumPoints) return (s.MinimumOver10 is null && s.Steepest is null).ToProperty();
        int first = smoothed.Length / 10;
        int lowest = Array.IndexOf(smoothed, smoothed[first..].Min(), first);
        return (s.MinimumOver10 == points[lowest].LearningRate / 10 && s.MinimumIndex == lowest + 1
                && (s.SteepestIndex is null || s.SteepestIndex <= s.MinimumIndex)
                && s.ClearDescent == (smoothed[lowest] < 0.99 * smoothed[first])).ToProperty();
    }

    /// <summary>A smooth drop centred at a known learning rate is found there, to within one point of the grid.</summary>
    [Theory]
    [InlineData(-4.0)]
    [InlineData(-3.0)]
    [InlineData(-2.5)]
    public void SteepestDescentIsWhereTheLossFallsFastest(double centre)
    {
        const int steps = 121;
        var settings = new LrRangeTestSettings(StartLr: 1e-6, EndLr: 1, Steps: steps);
        double[] smoothed = [.. Enumerable.Range(0, steps).Select(i =>
        {
            double x = Math.Log10(settings.LearningRate(i));
            return x < centre + 1.5 ? 2 - Math.Tanh(2 * (x - centre)) : 1 + 4 * (x - centre - 1.5);
        })];
        var s = LrSuggestions.From(Curve(smoothed));
        Assert.InRange(Math.Log10(s.Steepest!.Value), centre - 0.06, centre + 0.06);
    }

    [Property(MaxTest = 300)]
    public Property MeanAndStdMatchTheTextbookFormulas(NonEmptyArray<NormalFloat> values)
    {
        double[] v = [.. values.Get.Select(x => Math.Clamp(x.Get, -1e6, 1e6))];
        var stats = MeanStd.Of(v);
        double mean = v.Sum() / v.Length;
        double std = v.Length == 1 ? 0 : Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Sum() / (v.Length - 1));
        double scale = 1 + v.Max(Math.Abs);
        return (Math.Abs(stats.Mean - mean) <= 1e-9 * scale && Math.Abs(stats.Std - std) <= 1e-9 * scale && stats.Count == v.Length).ToProperty();
    }
}

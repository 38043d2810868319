using System.Collections.Immutable;

namespace AdaptiveLR.Cli.LrFind;

/// <summary>
/// What a range test suggests, computed from its points alone: the learning rate where the smoothed
/// loss falls fastest per decade of learning rate (Smith's steepest descent, fastai's "steep"), and
/// the learning rate of the lowest smoothed loss divided by 10 (fastai's "minimum"). Either is null
/// when the test has too few points to tell.
/// </summary>
public sealed record LrSuggestions(double? Steepest, int? SteepestIndex, double? MinimumOver10, int? MinimumIndex)
{
    /// <summary>The fewest points a suggestion is made from.</summary>
    public const int MinimumPoints = 5;

    /// <summary>
    /// The steepest descent is looked for between the first tenth of the points (whose average is
    /// still warming up) and the minimum (past it the loss rises): the slope is the central
    /// difference of the smoothed loss in log10 of the learning rate (numpy.gradient's rule).
    /// </summary>
    public static LrSuggestions From(IReadOnlyList<LrRangePoint> points)
    {
        var finite = points.Where(p => double.IsFinite(p.SmoothedLoss) && p.LearningRate > 0).ToImmutableArray();
        if (finite.Length < MinimumPoints) return new(null, null, null, null);
        int minimum = 0;
        for (int i = 1; i < finite.Length; i++)
            if (finite[i].SmoothedLoss < finite[minimum].SmoothedLoss) minimum = i;

        int first = finite.Length / 10;
        int? steepest = null;
        double steepestSlope = double.PositiveInfinity;
        for (int i = first; i <= minimum; i++)
        {
            int before = Math.Max(i - 1, 0), after = Math.Min(i + 1, finite.Length - 1);
            if (before == after) continue;
            double slope = (finite[after].SmoothedLoss - finite[before].SmoothedLoss) /
                           (Math.Log10(finite[after].LearningRate) - Math.Log10(finite[before].LearningRate));
            if (slope < steepestSlope)
            {
                steepestSlope = slope;
                steepest = i;
            }
        }
        return new(steepest is { } s && steepestSlope < 0 ? finite[s].LearningRate : null,
                   steepest is { } index && steepestSlope < 0 ? finite[index].Step : null,
                   finite[minimum].LearningRate / 10, finite[minimum].Step);
    }
}

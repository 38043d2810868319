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

    /// <summary>How far below its value after the warm-up the smoothed loss must fall for a descent to count: 1%.</summary>
    public const double ClearDescentRatio = 0.99;

    /// <summary>
    /// Whether the smoothed loss fell clearly (by 1%) below where it stood after the warm-up; when it
    /// did not, the test ran too few steps or too low learning rates, and its minimum is noise.
    /// </summary>
    public bool ClearDescent { get; init; }

    /// <summary>
    /// The first tenth of the points is left out (fastai's skip_start: the average is still warming
    /// up). The minimum is the lowest smoothed loss after it; the steepest descent is looked for
    /// between it and the minimum (past the minimum the loss rises): the slope is the central
    /// difference of the smoothed loss in log10 of the learning rate (numpy.gradient's rule).
    /// </summary>
    public static LrSuggestions From(IReadOnlyList<LrRangePoint> points)
    {
        var finite = points.Where(p => double.IsFinite(p.SmoothedLoss) && p.LearningRate > 0).ToImmutableArray();
        if (finite.Length < MinimumPoints) return new(null, null, null, null);
        int first = finite.Length / 10;
        int minimum = first;
        for (int i = first + 1; i < finite.Length; i++)
            if (finite[i].SmoothedLoss < finite[minimum].SmoothedLoss) minimum = i;

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
                   finite[minimum].LearningRate / 10, finite[minimum].Step)
        {
            ClearDescent = finite[minimum].SmoothedLoss < ClearDescentRatio * finite[first].SmoothedLoss,
        };
    }
}

namespace AdaptiveLR.Cli.Output;

/// <summary>
/// Printed output (<c>step</c>, <c>schedule</c>) streams row by row in constant memory, whatever the
/// number of steps; a plot needs its points in memory, so it has an upper bound, checked before any work.
/// </summary>
public static class PlotLimits
{
    /// <summary>Points of all lines of one plot together: 16 MB of doubles, and more than a 900-pixel-wide PNG can show.</summary>
    public const long MaxPoints = 2_000_000;

    /// <summary>A usage error unless <paramref name="steps"/> × <paramref name="lines"/> points fit in a plot.</summary>
    public static void Check(long steps, long lines, string what)
    {
        if (steps * lines <= MaxPoints) return;
        throw new UsageException(
            $"--plot: a plot holds at most {MaxPoints:N0} points, and {steps:N0} steps of {what} are {steps * lines:N0}; " +
            "plot fewer steps, or leave --plot out: printed output streams any number of steps");
    }
}

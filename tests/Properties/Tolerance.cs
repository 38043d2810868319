namespace AdaptiveLR.Properties;

/// <summary>Agreement between a float32 implementation and the double reference.</summary>
public static class Tolerance
{
    /// <summary>
    /// |expected − actual| ≤ absolute + relative · max(|expected|, scale). Rounding error accumulates
    /// with the magnitudes a trajectory has passed through, so trajectory comparisons pass as
    /// <paramref name="scale"/> the largest |x| of the element so far (<see cref="TrajectoryScale"/>).
    /// </summary>
    public static void AssertClose(double expected, double actual, string what, double relative = 2e-4, double absolute = 1e-5, double scale = 0)
    {
        double allowed = absolute + relative * Math.Max(Math.Abs(expected), scale);
        if (!(Math.Abs(expected - actual) <= allowed))
            throw new Xunit.Sdk.XunitException($"{what}: expected {expected:R}, got {actual:R} (allowed difference {allowed:G3})");
    }

    /// <summary>The largest |x| element <paramref name="i"/> reached from the start to the end of <paramref name="step"/> (0-based).</summary>
    public static double TrajectoryScale(Scenario scenario, IReadOnlyList<Pure.Core.StepResult> expected, int step, int i) =>
        Math.Max(Math.Abs(scenario.X0[i]), expected.Take(step + 1).Max(r => Math.Abs(r.Parameters[i])));
}

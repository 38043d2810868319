namespace AdaptiveLR.Properties.Golden;

/// <summary>
/// Compares values to a fixture's and remembers the largest relative error seen. The error of an
/// element is |expected − actual| / max(|expected|, largest |expected| of its tensor): relative to the
/// element, except where cancellation leaves it far below its tensor's magnitude, where the tensor's
/// magnitude is the scale (what np.allclose's atol does, without a fixed atol).
/// </summary>
public sealed class GoldenComparison(string what, double tolerance)
{
    /// <summary>The largest relative error of every comparison so far.</summary>
    public double MaxRelativeError { get; private set; }

    /// <summary>Fails when an element of <paramref name="actual"/> differs from <paramref name="expected"/> by more than the tolerance.</summary>
    public void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, string where)
    {
        if (expected.Count != actual.Count)
            throw new Xunit.Sdk.XunitException($"{what} {where}: {expected.Count} values expected, got {actual.Count}");
        double scale = expected.Count == 0 ? 0 : expected.Max(Math.Abs);
        for (int i = 0; i < expected.Count; i++)
        {
            double denominator = Math.Max(Math.Abs(expected[i]), scale);
            double error = expected[i] == actual[i] ? 0 : Math.Abs(expected[i] - actual[i]) / denominator;
            if (!(error <= tolerance))
                throw new Xunit.Sdk.XunitException(
                    $"{what} {where} element {i}: expected {expected[i]:R}, got {actual[i]:R} (relative error {error:G3} > {tolerance:G3})");
            MaxRelativeError = Math.Max(MaxRelativeError, error);
        }
    }
}

namespace AdaptiveLR.Properties;

/// <summary>Agreement between a float32 implementation and the double reference.</summary>
public static class Tolerance
{
    public static void AssertClose(double expected, double actual, string what, double relative = 2e-4, double absolute = 1e-5)
    {
        double allowed = absolute + relative * Math.Abs(expected);
        if (!(Math.Abs(expected - actual) <= allowed))
            throw new Xunit.Sdk.XunitException($"{what}: expected {expected:R}, got {actual:R} (allowed difference {allowed:G3})");
    }
}

namespace AdaptiveLR.Cli.Problems;

/// <summary>
/// Gaussian and uniform draws from <c>System.Random(seed)</c>, whose seeded sequence .NET keeps
/// stable, so that synthetic data are the same on every machine and never touch torch's generator.
/// </summary>
public sealed class SyntheticRandom(int seed)
{
    private readonly Random random = new(seed);

    public double Uniform(double low, double high) => low + (high - low) * random.NextDouble();

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public double Normal()
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public float[] Normals(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)Normal())];
}

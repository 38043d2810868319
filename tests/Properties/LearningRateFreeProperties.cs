using System.Collections.Immutable;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using FsCheck;
using FsCheck.Xunit;
using Xunit;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties;

/// <summary>
/// The papers' invariants of Prodigy and D-Adaptation Adam on random groups of two tensors, random gradients
/// (a fixed direction plus noise, as in the golden fixtures, or pure noise) and random options: d never decreases,
/// d ≤ d_max, d grows by at most growth_rate per step (Prodigy: except its first move away from d0), and an
/// all-zero gradient changes no parameter and no scalar but the step's own.
/// </summary>
public class LearningRateFreeProperties
{
    public static IEnumerable<StagedHyperparameters> ProdigyVariants(int seed)
    {
        var random = new Random(seed);
        return [new ProdigyHyperparameters(
            Beta1: random.Next(4) == 0 ? 0 : 0.9,
            Beta3: random.Next(2) == 0 ? null : 0.5 + 0.49 * random.NextDouble(),
            WeightDecay: random.Next(2) == 0 ? 0 : 0.1 * random.NextDouble(),
            Decouple: random.Next(2) == 0,
            UseBiasCorrection: random.Next(2) == 0,
            SafeguardWarmup: random.Next(2) == 0,
            DCoef: 0.1 + 2 * random.NextDouble(),
            GrowthRate: random.Next(2) == 0 ? null : 1 + random.NextDouble() * 0.1,
            SliceP: random.Next(1, 5))];
    }

    [Property(MaxTest = 60)]
    public void ProdigysDNeverDecreasesAndGrowsAtMostByGrowthRate(PositiveInt seed, bool drift)
    {
        var h = (ProdigyHyperparameters)ProdigyVariants(seed.Get).Single();
        double growth = h.GrowthRate ?? double.PositiveInfinity;
        foreach (var (before, after) in ScalarSteps(h, seed.Get, drift, steps: 25))
        {
            Assert.True(after["d"] >= before["d"], $"d fell from {before["d"]:R} to {after["d"]:R} ({h})");
            Assert.True(after["d"] <= after["d_max"], $"d {after["d"]:R} above d_max {after["d_max"]:R}");
            bool firstMove = before["d"] == h.D0;
            if (!firstMove) Assert.True(after["d"] <= before["d"] * growth * (1 + 1e-15), $"d grew from {before["d"]:R} to {after["d"]:R}, more than ×{growth}");
        }
    }

    [Property(MaxTest = 60)]
    public void DAdaptationsDNeverDecreasesAndGrowsAtMostByGrowthRate(PositiveInt seed, bool drift, bool bounded, bool biasCorrection, bool decouple)
    {
        var random = new Random(seed.Get);
        var h = new DAdaptAdamHyperparameters(WeightDecay: random.NextDouble() * 0.1, Decouple: decouple, UseBiasCorrection: biasCorrection,
                                              D0: Math.Pow(10, -random.Next(3, 8)), GrowthRate: bounded ? 1 + random.NextDouble() * 0.1 : null,
                                              LayerScale: 0.25 + random.NextDouble());
        double growth = h.GrowthRate ?? double.PositiveInfinity;
        foreach (var (before, after) in ScalarSteps(h, seed.Get, drift, steps: 25))
        {
            Assert.True(after["d"] >= before["d"], $"d fell from {before["d"]:R} to {after["d"]:R} ({h})");
            Assert.True(after["d"] <= before["d"] * growth * (1 + 1e-15), $"d grew from {before["d"]:R} to {after["d"]:R}, more than ×{growth}");
        }
    }

    /// <summary>With a steady gradient direction the estimate leaves d0 (the figure MODERN.md measures: 1e-6 to ≥ 1e-5 in 25 steps).</summary>
    [Theory]
    [InlineData("prodigy")]
    [InlineData("dadapt-adam")]
    public void DGrowsFromD0UnderASteadyDirection(string algorithm)
    {
        var h = (StagedHyperparameters)Pure.OptimizerRegistry.Find(algorithm)!.Defaults;
        var last = ScalarSteps(h, 7, drift: true, steps: 25).Last().After;
        Assert.True(last["d"] > 10 * 1e-6, $"{algorithm}: d = {last["d"]:R} after 25 steps");
    }

    [Theory]
    [InlineData("prodigy")]
    [InlineData("dadapt-adam")]
    public void AZeroGradientChangesNoParameterAndNoEstimate(string algorithm)
    {
        var h = (StagedHyperparameters)Pure.OptimizerRegistry.Find(algorithm)!.Defaults;
        ImmutableArray<double> x = [1, -2, 0.5];
        var result = ReferenceStep.Step(h, OptimizerState.Initial(h, x.Length), x, [0, 0, 0]);
        Assert.Equal(x.ToArray(), result.Parameters.ToArray());
        // Like the reference's early return: k, d and its sums stay; only the step's own dlr is recorded.
        foreach (var (name, value) in h.InitialScalars)
            if (name != "dlr") Assert.Equal(value, result.State.Scalars[name]);
    }

    /// <summary>The group scalars before and after each step of a two-tensor group.</summary>
    internal static IEnumerable<(GroupScalars Before, GroupScalars After)> ScalarSteps(StagedHyperparameters h, int seed, bool drift, int steps)
    {
        var random = new Random(seed);
        int[] lengths = [random.Next(1, 30), random.Next(1, 10)];
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var direction = lengths.Select(n => Enumerable.Range(0, n).Select(_ => drift ? Normal() : 0).ToArray()).ToArray();
        ImmutableArray<ImmutableArray<double>> x = [.. lengths.Select(n => Enumerable.Range(0, n).Select(_ => Normal()).ToImmutableArray())];
        ImmutableArray<OptimizerState> states = [.. lengths.Select(n => OptimizerState.Initial(h, n))];
        for (int step = 0; step < steps; step++)
        {
            ImmutableArray<ImmutableArray<double>> gradients = [.. direction.Select(m => m.Select(v => v + Normal()).ToImmutableArray())];
            var results = ReferenceStep.StepGroup(h, states, x, gradients, [2, 1]);
            var before = states[0].Scalars;
            (states, x) = ([.. results.Select(r => r.State)], [.. results.Select(r => r.Parameters)]);
            yield return (before, states[0].Scalars);
        }
    }
}

using AdaptiveLR.Pure.Algorithms;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// Lion, AdaBelief and Yogi have no TorchSharp counterpart: each is checked against a plain,
/// independent transcription of its paper's algorithm, step by step, and against its invariants.
/// </summary>
public class PaperRuleProperties
{
    [Property(Arbitrary = [typeof(PaperAlgorithm)])]
    public void TrajectoryEqualsThePapersAlgorithm(Scenario scenario)
    {
        var expected = PaperTrajectory(scenario);
        var actual = Trajectories.Reference(scenario);
        for (int step = 0; step < expected.Count; step++)
            for (int i = 0; i < scenario.Size; i++)
                Tolerance.AssertClose(expected[step][i], actual[step].Parameters[i], $"{scenario.Hyperparameters.Algorithm} step {step + 1} element {i}", relative: 1e-9, absolute: 1e-12);
    }

    [Property(Arbitrary = [typeof(PaperAlgorithm)])]
    public void LionMovesEveryCoordinateByExactlyLr(Scenario scenario)
    {
        if (scenario.Hyperparameters is not LionHyperparameters lion) return;
        var withoutDecay = scenario with { Hyperparameters = lion with { WeightDecay = 0 } };
        var results = Trajectories.Reference(withoutDecay);
        var previous = scenario.X0;
        foreach (var result in results)
        {
            for (int i = 0; i < scenario.Size; i++)
                Assert.Equal(lion.Lr, Math.Abs(result.Parameters[i] - previous[i]), 1e-9);
            previous = [.. result.Parameters];
        }
    }

    [Property(Arbitrary = [typeof(PaperAlgorithm)])]
    public void YogiSecondMomentStaysPositive(Scenario scenario)
    {
        if (scenario.Hyperparameters is not YogiHyperparameters) return;
        foreach (var result in Trajectories.Reference(scenario))
            Assert.All(result.State["v"], v => Assert.True(v > 0, $"v = {v}"));
    }

    [Property(Arbitrary = [typeof(AnyAlgorithm)])]
    public void AdamaxInfinityNormBoundsTheGradient(Scenario scenario)
    {
        if (scenario.Hyperparameters is not AdamaxHyperparameters { WeightDecay: 0 }) return;
        var results = Trajectories.Reference(scenario);
        for (int step = 0; step < results.Count; step++)
            for (int i = 0; i < scenario.Size; i++)
                Assert.True(results[step].State["u"][i] >= Math.Abs(scenario.Gradients[step][i]));
    }

    [Property(Arbitrary = [typeof(AnyAlgorithm)])]
    public void RAdamStartsAsBiasCorrectedMomentumSgd(Scenario scenario)
    {
        if (scenario.Hyperparameters is not RAdamHyperparameters { WeightDecay: 0 } radam) return;
        var result = Trajectories.Reference(scenario)[0];
        // ρ₁ = 1 ≤ 5 always: the first step is lr · m/(1 − β₁) = lr · g.
        for (int i = 0; i < scenario.Size; i++)
            Assert.Equal(scenario.X0[i] - radam.Lr * scenario.Gradients[0][i], result.Parameters[i], 1e-9);
    }

    /// <summary>The papers' algorithms, written out on scalars, independently of src/Pure.</summary>
    private static List<double[]> PaperTrajectory(Scenario scenario)
    {
        int n = scenario.Size;
        double[] theta = [.. scenario.X0], m = new double[n], second = new double[n];
        if (scenario.Hyperparameters is YogiHyperparameters yogi0) Array.Fill(second, yogi0.InitialAccumulatorValue);
        var trajectory = new List<double[]>();
        for (int t = 1; t <= scenario.Gradients.Length; t++)
        {
            double[] g = scenario.Gradients[t - 1];
            for (int i = 0; i < n; i++)
            {
                switch (scenario.Hyperparameters)
                {
                    case LionHyperparameters h: // Chen et al. 2023, Program 1
                        double c = h.Beta1 * m[i] + (1 - h.Beta1) * g[i];
                        theta[i] -= h.Lr * (Math.Sign(c) + h.WeightDecay * theta[i]);
                        m[i] = h.Beta2 * m[i] + (1 - h.Beta2) * g[i];
                        break;
                    case AdaBeliefHyperparameters h: // Zhuang et al. 2020, Algorithm 2, decoupled decay
                        theta[i] *= 1 - h.Lr * h.WeightDecay;
                        m[i] = h.Beta1 * m[i] + (1 - h.Beta1) * g[i];
                        second[i] = h.Beta2 * second[i] + (1 - h.Beta2) * Math.Pow(g[i] - m[i], 2) + h.Eps;
                        double mHat = m[i] / (1 - Math.Pow(h.Beta1, t)), sHat = second[i] / (1 - Math.Pow(h.Beta2, t));
                        theta[i] -= h.Lr * mHat / (Math.Sqrt(sHat) + h.Eps);
                        break;
                    case YogiHyperparameters h: // Zaheer et al. 2018, Algorithm 2
                        double gradient = g[i] + h.WeightDecay * theta[i];
                        m[i] = h.Beta1 * m[i] + (1 - h.Beta1) * gradient;
                        double g2 = gradient * gradient;
                        second[i] -= (1 - h.Beta2) * Math.Sign(second[i] - g2) * g2;
                        theta[i] -= h.Lr * m[i] / (Math.Sqrt(second[i]) + h.Eps);
                        break;
                }
            }
            trajectory.Add([.. theta]);
        }
        return trajectory;
    }
}

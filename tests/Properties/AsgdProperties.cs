using System.Collections.Immutable;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>ASGD's defining behaviour (Polyak &amp; Juditsky 1992, torch.optim.ASGD): ax averages the iterates from t0 on; η and μ follow their schedules.</summary>
public class AsgdProperties
{
    [Property(Arbitrary = [typeof(AveragingAsgd)], MaxTest = 200)]
    public void AxIsTheIterateUntilAveragingStartsThenTheRunningAverageOfTheIterates(Scenario scenario)
    {
        var h = (AsgdHyperparameters)scenario.Hyperparameters;
        var trajectory = Trajectories.Reference(scenario);
        // μ of step t is 1/max(1, t − 1 − t0): ax = θ up to step t0 + 2, then the mean of θ from step t0 + 2 on.
        int firstAveraged = (int)h.T0 + 2;
        for (int step = 1; step <= trajectory.Count; step++)
        {
            var ax = trajectory[step - 1].State["ax"];
            for (int i = 0; i < scenario.Size; i++)
            {
                if (step <= firstAveraged)
                {
                    Assert.Equal(trajectory[step - 1].Parameters[i], ax[i]);
                    continue;
                }
                var iterates = Enumerable.Range(firstAveraged, step - firstAveraged + 1).Select(t => trajectory[t - 1].Parameters[i]).ToList();
                double mean = iterates.Average(), scale = iterates.Max(Math.Abs);
                Assert.True(Math.Abs(ax[i] - mean) <= 1e-12 * (1 + scale), $"step {step} element {i}: ax {ax[i]:R}, mean of iterates {mean:R}");
            }
        }
    }

    [Property(Arbitrary = [typeof(AveragingAsgd)], MaxTest = 100)]
    public void EtaAndMuAfterStepTFollowTheirSchedules(Scenario scenario)
    {
        var h = (AsgdHyperparameters)scenario.Hyperparameters;
        var trajectory = Trajectories.Reference(scenario);
        for (int t = 1; t <= trajectory.Count; t++)
        {
            var scalars = trajectory[t - 1].State.Scalars;
            Assert.Equal(h.Lr / Math.Pow(1 + h.Lambd * h.Lr * t, h.Alpha), scalars["eta"], 1e-15);
            Assert.Equal(1 / Math.Max(1, t - h.T0), scalars["mu"], 1e-15);
        }
    }

    [Property(Arbitrary = [typeof(AveragingAsgd)], MaxTest = 100)]
    public void EachStepShrinksThenStepsWithTheEtaOfThePreviousStep(Scenario scenario)
    {
        var h = (AsgdHyperparameters)scenario.Hyperparameters;
        var trajectory = Trajectories.Reference(scenario);
        for (int t = 1; t <= trajectory.Count; t++)
        {
            double eta = t == 1 ? h.Lr : trajectory[t - 2].State.Scalars["eta"];
            ImmutableArray<double> before = t == 1 ? [.. scenario.X0] : trajectory[t - 2].Parameters;
            var rates = ReferenceStep.EffectiveLearningRates(h, trajectory[t - 1].State, scenario.Size);
            for (int i = 0; i < scenario.Size; i++)
            {
                double g = scenario.Gradients[t - 1][i] + h.WeightDecay * before[i];
                double expected = before[i] * (1 - h.Lambd * eta) - eta * g;
                Tolerance.AssertClose(expected, trajectory[t - 1].Parameters[i], $"step {t} element {i}", relative: 1e-12, absolute: 1e-15);
                Assert.Equal(eta, rates[i]);
            }
        }
    }
}

/// <summary>ASGD scenarios whose averaging starts within their steps (t0 from 0 to 20).</summary>
public static class AveragingAsgd
{
    public static Arbitrary<Scenario> Scenarios() =>
        Generators.ScenarioOf(
            from h in Generators.Asgd
            from t0 in Gen.Choose(0, 20)
            select (Hyperparameters)((AsgdHyperparameters)h with { T0 = t0 }), maxSteps: 40).ToArbitrary();
}

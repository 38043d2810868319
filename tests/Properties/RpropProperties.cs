using AdaptiveLR.Pure.Algorithms;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>Rprop's defining behaviour (Riedmiller &amp; Braun 1993, torch.optim.Rprop): bounded step sizes, moves by the sign only, no move after a flip.</summary>
public class RpropProperties
{
    [Property(Arbitrary = [typeof(RpropScenarios)], MaxTest = 200)]
    public void StepSizesStayWithinTheirBoundsAndGrowOrShrinkByTheEtas(Scenario scenario)
    {
        var h = (RpropHyperparameters)scenario.Hyperparameters;
        var trajectory = Trajectories.Reference(scenario);
        double[] previousGradient = new double[scenario.Size];
        double[] previousStepSize = [.. Enumerable.Repeat(h.Lr, scenario.Size)];
        for (int step = 0; step < trajectory.Count; step++)
        {
            var stepSize = trajectory[step].State["step_size"];
            for (int i = 0; i < scenario.Size; i++)
            {
                Assert.InRange(stepSize[i], h.StepSizeMin, h.StepSizeMax);
                double agreement = scenario.Gradients[step][i] * previousGradient[i];
                double factor = agreement > 0 ? h.Etaplus : agreement < 0 ? h.Etaminus : 1;
                Assert.Equal(Math.Clamp(previousStepSize[i] * factor, h.StepSizeMin, h.StepSizeMax), stepSize[i]);
            }
            previousGradient = [.. trajectory[step].State["prev"]];
            previousStepSize = [.. stepSize];
        }
    }

    [Property(Arbitrary = [typeof(RpropScenarios)], MaxTest = 200)]
    public void EachElementMovesByItsStepSizeAgainstTheSignOrNotAtAllAfterAFlip(Scenario scenario)
    {
        var trajectory = Trajectories.Reference(scenario);
        double[] before = scenario.X0, previousGradient = new double[scenario.Size];
        for (int step = 0; step < trajectory.Count; step++)
        {
            var (after, prev, stepSize) = (trajectory[step].Parameters, trajectory[step].State["prev"], trajectory[step].State["step_size"]);
            for (int i = 0; i < scenario.Size; i++)
            {
                double g = scenario.Gradients[step][i];
                bool flipped = g * previousGradient[i] < 0;
                Assert.Equal(flipped ? 0 : g, prev[i]);
                Assert.Equal(flipped ? before[i] : before[i] - Math.Sign(g) * stepSize[i], after[i]);
            }
            (before, previousGradient) = ([.. after], [.. prev]);
        }
    }
}

/// <summary>Rprop scenarios with enough steps for step sizes to reach their bounds.</summary>
public static class RpropScenarios
{
    public static Arbitrary<Scenario> Scenarios() => Generators.ScenarioOf(Generators.Rprop, maxSteps: 40).ToArbitrary();
}

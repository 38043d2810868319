using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>What each algorithm guarantees about its state, over generated hyperparameters and gradients.</summary>
public class InvariantProperties
{
    [Property(Arbitrary = [typeof(AmsGradOnly)])]
    public void AmsGradMaximumNeverDecreases(Scenario scenario)
    {
        var previous = new double[scenario.Size];
        foreach (var result in Trajectories.Reference(scenario))
        {
            var vMax = result.State["v_max"];
            for (int i = 0; i < scenario.Size; i++)
            {
                Assert.True(vMax[i] >= previous[i], $"step {result.State.Step}: v_max[{i}] fell from {previous[i]} to {vMax[i]}");
                Assert.True(vMax[i] >= result.State["v"][i], $"step {result.State.Step}: v_max[{i}] < v[{i}]");
            }
            previous = [.. vMax];
        }
    }

    [Property(Arbitrary = [typeof(AdagradOnly)])]
    public void AdagradAccumulatorNeverDecreases(Scenario scenario)
    {
        double initial = ((AdagradHyperparameters)scenario.Hyperparameters).InitialAccumulatorValue;
        var previous = Enumerable.Repeat(initial, scenario.Size).ToArray();
        foreach (var result in Trajectories.Reference(scenario))
        {
            var sum = result.State["sum"];
            for (int i = 0; i < scenario.Size; i++)
                Assert.True(sum[i] >= previous[i], $"step {result.State.Step}: sum[{i}] fell from {previous[i]} to {sum[i]}");
            previous = [.. sum];
        }
    }

    [Property(Arbitrary = [typeof(MovingAverageOfSquares)])]
    public void SecondMomentsStayBetweenZeroAndLargestSquaredGradient(Scenario scenario)
    {
        string name = scenario.Hyperparameters is RmsPropHyperparameters ? "square_avg" : "v";
        var largest = new double[scenario.Size];
        var results = Trajectories.Reference(scenario);
        for (int step = 0; step < results.Count; step++)
        {
            var moment = results[step].State[name];
            for (int i = 0; i < scenario.Size; i++)
            {
                largest[i] = Math.Max(largest[i], scenario.Gradients[step][i] * scenario.Gradients[step][i]);
                Assert.InRange(moment[i], 0, largest[i] * (1 + 1e-12));
            }
        }
    }

    [Property(Arbitrary = [typeof(AnyAlgorithm)])]
    public void InputsAreNeverMutated(Scenario scenario)
    {
        var h = scenario.Hyperparameters;
        var before = OptimizerState.Initial(h, scenario.Size);
        var snapshot = before.Quantities.Select(q => q.Values.ToArray()).ToArray();
        var x = System.Collections.Immutable.ImmutableArray.Create(scenario.X0);
        var g = System.Collections.Immutable.ImmutableArray.Create(scenario.Gradients[0]);
        var hyperparametersBefore = h with { };

        var after = ReferenceStep.Step(h, before, x, g);

        Assert.Equal(0, before.Step);
        Assert.Equal(1, after.State.Step);
        for (int q = 0; q < snapshot.Length; q++) Assert.Equal(snapshot[q], before.Quantities[q].Values.ToArray());
        Assert.Equal(scenario.X0, x.ToArray());
        Assert.Equal(scenario.Gradients[0], g.ToArray());
        Assert.Equal(hyperparametersBefore, h);
    }
}

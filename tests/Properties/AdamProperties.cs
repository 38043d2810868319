using AdaptiveLR.Pure.Algorithms;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>Adam's defining behaviour: sign-like first steps, scale invariance, and AdamW's relation to it.</summary>
public class AdamProperties
{
    [Property(Arbitrary = [typeof(ScaledAdam)])]
    public void FirstStepMovesEachCoordinateByAboutLrTimesSign((Scenario Scenario, double Scale) input)
    {
        var scenario = input.Scenario;
        var h = (AdamHyperparameters)scenario.Hyperparameters;
        var first = Trajectories.Reference(scenario)[0];
        for (int i = 0; i < scenario.Size; i++)
        {
            double g = scenario.Gradients[0][i];
            double moved = first.Parameters[i] - scenario.X0[i];
            // |Δ| = lr·|g|/(|g| + ε): lr·sign(g) up to the share of ε in the denominator.
            double allowed = h.Lr * h.Eps / (Math.Abs(g) + h.Eps) + 1e-12;
            Assert.True(Math.Abs(moved + h.Lr * Math.Sign(g)) <= allowed, $"coordinate {i}: moved {moved}, lr {h.Lr}, g {g}");
        }
    }

    [Property(Arbitrary = [typeof(ScaledAdam)])]
    public void UpdateIsInvariantToScalingAllGradients((Scenario Scenario, double Scale) input)
    {
        // ε is the only term that does not scale with g; make it negligible to see the invariance itself.
        var (scenario, c) = input;
        var h = (AdamHyperparameters)scenario.Hyperparameters with { Eps = 1e-14 };
        scenario = scenario with { Hyperparameters = h };
        var scaled = scenario with { Gradients = [.. scenario.Gradients.Select(g => g.Select(v => v * c).ToArray())] };
        var original = Trajectories.Reference(scenario);
        var rescaled = Trajectories.Reference(scaled);
        for (int step = 0; step < original.Count; step++)
        {
            for (int i = 0; i < scenario.Size; i++)
            {
                double allowed = 1e-6 * h.Lr * (step + 1);
                Assert.True(Math.Abs(original[step].Parameters[i] - rescaled[step].Parameters[i]) <= allowed,
                    $"step {step + 1}, coordinate {i}: {original[step].Parameters[i]} vs {rescaled[step].Parameters[i]} with c = {c}");
            }
        }
    }

    [Property(Arbitrary = [typeof(ScaledAdam)])]
    public void AdamWWithoutWeightDecayEqualsAdam((Scenario Scenario, double Scale) input)
    {
        var adam = (AdamHyperparameters)input.Scenario.Hyperparameters;
        var adamW = new AdamWHyperparameters(adam.Lr, adam.Beta1, adam.Beta2, adam.Eps, WeightDecay: 0, adam.AmsGrad);
        var expected = Trajectories.Reference(input.Scenario);
        var actual = Trajectories.Reference(input.Scenario with { Hyperparameters = adamW });
        for (int step = 0; step < expected.Count; step++)
        {
            Assert.Equal(expected[step].Parameters.ToArray(), actual[step].Parameters.ToArray());
            Assert.Equal(expected[step].State["v"].ToArray(), actual[step].State["v"].ToArray());
        }
    }
}

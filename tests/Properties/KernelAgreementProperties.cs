using FsCheck.Xunit;

namespace AdaptiveLR.Properties;

/// <summary>The fused float kernel and the double reference run the same rule: their trajectories agree.</summary>
public class KernelAgreementProperties
{
    [Property(Arbitrary = [typeof(LongVectors)])]
    public void KernelTrajectoryEqualsReference(Scenario scenario)
    {
        var expected = Trajectories.Reference(scenario);
        var actual = Trajectories.Kernel(scenario);
        for (int step = 0; step < expected.Count; step++)
            for (int i = 0; i < scenario.Size; i++)
                Tolerance.AssertClose(expected[step].Parameters[i], actual[step][i], $"{scenario.Hyperparameters.Algorithm} step {step + 1} element {i}",
                    scale: Tolerance.TrajectoryScale(scenario, expected, step, i));
    }
}

/// <summary>Continuous algorithms on vectors long enough to use full SIMD vectors and a tail (1 to 70 elements).</summary>
public static class LongVectors
{
    public static FsCheck.Arbitrary<Scenario> Scenarios() =>
        FsCheck.Fluent.Arb.ToArbitrary(Generators.ScenarioOf(Generators.ContinuousInFloat, maxSize: 70, maxSteps: 15));
}

/// <summary>Every algorithm, Lion and Yogi included, on vectors of 1 to 70 elements.</summary>
public static class LongVectorsOfAnyAlgorithm
{
    public static FsCheck.Arbitrary<Scenario> Scenarios() =>
        FsCheck.Fluent.Arb.ToArbitrary(Generators.ScenarioOf(Generators.Any, maxSize: 70, maxSteps: 15));
}

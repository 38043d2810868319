using System.Collections.Immutable;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Schedules;
using AdaptiveLR.Pure.Transforms;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>Schedules, reduce-on-plateau and gradient transformations with hostile values: validation errors or finite learning rates, never an exception.</summary>
public class ScheduleTransformValidationProperties
{
    [Property(Arbitrary = [typeof(HostileNumbers)], MaxTest = 300)]
    public void SchedulesValidateOrGiveFiniteRates(double[] v)
    {
        Pure.Schedules.Schedule[] schedules =
        [
            new ConstantSchedule(v[0]), new StepDecaySchedule(v[0], (long)Math.Clamp(v[1], -10, 1e6), v[2]), new ExponentialSchedule(v[0], v[2]),
            new CosineSchedule(v[0], (long)Math.Clamp(v[1], -10, 1e6), v[3]), new WarmupCosineSchedule(v[0], (long)Math.Clamp(v[4], -10, 1e6), (long)Math.Clamp(v[1], -10, 1e6), v[3]),
            new OneCycleSchedule(v[0], (long)Math.Clamp(v[1], -10, 1e6), v[5], v[6], v[7]),
        ];
        foreach (var schedule in schedules)
        {
            if (schedule.Validate().Count > 0) continue;
            foreach (long step in new long[] { 0, 1, 7, 1000 })
            {
                double lr = schedule.LearningRate(step);
                // Valid but astronomical values (lr = 1e300, div_factor 1e-8, a growing gamma) may overflow; they must still not throw.
                if (v[0] <= 1e6 && v[6] >= 1e-6 && v[2] <= 1) Assert.True(double.IsFinite(lr) && lr >= 0, $"{schedule} at {step}: {lr}");
            }
        }

        var plateau = new ReduceOnPlateau(v[0], v[2], (int)Math.Clamp(v[1], -10, 100), MinLr: v[3]);
        if (plateau.Validate().Count > 0) return;
        var state = plateau.Initial;
        foreach (double metric in v) state = plateau.Update(state, metric);
        Assert.True(state.LearningRate >= 0);
    }

    [Property(Arbitrary = [typeof(HostileNumbers)], MaxTest = 300)]
    public void TransformChainsValidateWithoutThrowing(double[] v)
    {
        var chain = new OptimizerChain(new AdamHyperparameters(Lr: v[0]),
        [
            new ClipByGlobalNorm(v[1]), new ClipByValue(v[2]), new MaskedWeightDecay(v[3], Decoupled: v[4] > 0),
            new AccumulateGradients((int)Math.Clamp(v[5], -5, 100)), new Lookahead((int)Math.Clamp(v[6], -5, 100), v[7]),
        ]);
        var errors = chain.Validate();
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Problem)));
        if (errors.Count == 0) Assert.True(chain.Find<ClipByGlobalNorm>()!.Factor(Math.Abs(v[0])) is >= 0 and <= 1);
    }
}

/// <summary>Eight numbers drawn from valid, boundary and hostile values.</summary>
public static class HostileNumbers
{
    public static Arbitrary<double[]> Numbers() =>
        Gen.Elements(0, 1, -1, 0.5, 0.3, 10, 100, 1e-8, 1e300, -1e-300, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 2, 25, 1e4)
           .ArrayOf(8).ToArbitrary();
}

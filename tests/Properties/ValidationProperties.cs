using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>Any settings, valid or not, give either validation errors or a finite step — never an exception.</summary>
public class ValidationProperties
{
    [Property(Arbitrary = [typeof(HostileSettings)], MaxTest = 300)]
    public void ValidationNeverThrowsAndValidRecordsStepFinitely((string Optimizer, HyperparameterSettings Settings) input)
    {
        var definition = OptimizerRegistry.Find(input.Optimizer)!;
        var hyperparameters = definition.Configure(input.Settings);
        var errors = hyperparameters.Validate();
        if (errors.Count > 0)
        {
            Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Problem)));
            return;
        }
        var state = OptimizerState.Initial(hyperparameters, 2);
        var result = ReferenceStep.Step(hyperparameters, state, [1.5, -2], [0.25, -4]);
        // Valid but astronomically large values (lr = 1e300) may overflow to ±∞ or NaN; they must still not throw.
        if (hyperparameters.Lr <= 1e6 && hyperparameters.WeightDecay <= 1e6)
            Assert.All(result.Parameters, p => Assert.True(double.IsFinite(p), $"{hyperparameters} gave {p}"));
    }

    [Fact]
    public void KnownBadValuesAreRejectedWithTheirName()
    {
        (string Optimizer, HyperparameterSettings Settings, string Parameter)[] cases =
        [
            ("adam", new() { Lr = 0 }, "lr"),
            ("adam", new() { Lr = -1 }, "lr"),
            ("adam", new() { Beta1 = 1 }, "beta1"),
            ("adamw", new() { Beta2 = -0.1 }, "beta2"),
            ("amsgrad", new() { Eps = 0 }, "eps"),
            ("adam", new() { WeightDecay = -1 }, "weight_decay"),
            ("sgd", new() { Momentum = -0.5 }, "momentum"),
            ("sgd", new() { Nesterov = true }, "nesterov"),
            ("sgd", new() { Nesterov = true, Momentum = 0.9, Dampening = 0.1 }, "nesterov"),
            ("rmsprop", new() { Alpha = 1 }, "alpha"),
            ("adagrad", new() { LrDecay = -1 }, "lr_decay"),
            ("adagrad", new() { Lr = double.NaN }, "lr"),
            ("adagrad", new() { InitialAccumulatorValue = double.PositiveInfinity }, "initial_accumulator_value"),
        ];
        foreach (var (optimizer, settings, parameter) in cases)
        {
            var errors = OptimizerRegistry.Find(optimizer)!.Configure(settings).Validate();
            Assert.Contains(errors, e => e.Parameter == parameter);
        }
    }
}

/// <summary>Settings drawn from valid, boundary and hostile values (negative, zero, one, NaN, ±∞, huge).</summary>
public static class HostileSettings
{
    private static readonly Gen<double?> Value = Gen.Elements<double?>(
        null, null, null, 0, 1, -1, 0.5, 0.9, 0.999, 1e-8, 1e300, -1e-300, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 2);

    private static readonly Gen<bool?> Flag = Gen.Elements<bool?>(null, true, false);

    public static Arbitrary<(string, HyperparameterSettings)> Settings() =>
        (from optimizer in Gen.Elements(OptimizerRegistry.Names.ToArray())
         from values in Value.ArrayOf(10)
         from flags in Flag.ArrayOf(3)
         select (optimizer, new HyperparameterSettings
         {
             Lr = values[0],
             Beta1 = values[1],
             Beta2 = values[2],
             Eps = values[3],
             WeightDecay = values[4],
             Momentum = values[5],
             Dampening = values[6],
             Alpha = values[7],
             LrDecay = values[8],
             InitialAccumulatorValue = values[9],
             Centered = flags[0],
             Nesterov = flags[1],
             AmsGrad = flags[2],
         })).ToArbitrary();
}

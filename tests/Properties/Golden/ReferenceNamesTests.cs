using System.Text.Json;
using AdaptiveLR.Pure.Algorithms;
using Xunit;

namespace AdaptiveLR.Properties.Golden;

/// <summary>The fixture-to-record mapping takes the names it knows and refuses the rest, so no reference option is silently dropped.</summary>
public class ReferenceNamesTests
{
    private static GoldenFixture With(string algorithm, string arguments) =>
        new(algorithm, "test", "test", JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!, "float64", [], []);

    [Fact]
    public void MapsTheReferencesArguments()
    {
        var h = ReferenceNames.Hyperparameters(With("adamw", """{"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.1, "amsgrad": true, "maximize": true, "foreach": false}"""));
        Assert.Equal(new AdamWHyperparameters(0.01, 0.8, 0.99, 1e-6, 0.1, AmsGrad: true) { Maximize = true }, h);
        var adafactor = ReferenceNames.Hyperparameters(With("adafactor", """{"eps": [1e-30, 0.01], "d": 0.5, "relative_step": false}"""));
        Assert.Equal(new AdafactorHyperparameters(Eps1: 1e-30, Eps2: 0.01, ClipThreshold: 0.5, RelativeStep: false), adafactor);
    }

    [Theory]
    [InlineData("adam", """{"lr": 0.01, "nonsense": 1}""")]
    [InlineData("adagrad", """{"momentum": 0.9}""")]
    [InlineData("adabelief", """{"rectify": true}""")]
    [InlineData("nowhere", """{"lr": 0.01}""")]
    public void RefusesWhatItCannotTake(string algorithm, string arguments) =>
        Assert.Throws<InvalidDataException>(() => ReferenceNames.Hyperparameters(With(algorithm, arguments)));

    [Fact]
    public void RefusesAnUnknownStateName() => Assert.Throws<InvalidDataException>(() => ReferenceNames.State("exp_avg_cube"));
}

using AdaptiveLR.Pure.Transforms;
using AdaptiveLR.Torch;
using FsCheck.Xunit;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>A NaN or infinite gradient never reaches optimizer state: skipped, the step leaves everything as it was.</summary>
public class NonFiniteProperties
{
    [Property(Arbitrary = [typeof(AnyAlgorithm)], MaxTest = 60)]
    public void SkippedStepLeavesStateAndParametersAsTheyWere(Scenario scenario)
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(tensor(scenario.X0.Select(v => (float)v).ToArray()));
        var twin = new Parameter(parameter.detach().clone());
        using var optimizer = new AdaptiveOptimizer([("weights", parameter)], scenario.Hyperparameters) { NonFinite = NonFinitePolicy.Skip };
        using var reference = new AdaptiveOptimizer([twin], scenario.Hyperparameters);
        int poisoned = scenario.Gradients.Length / 2;
        float[] badValues = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        for (int step = 0; step < scenario.Gradients.Length; step++)
        {
            float[] gradient = [.. scenario.Gradients[step].Select(v => (float)v)];
            if (step == poisoned)
            {
                var before = Snapshot(optimizer);
                gradient[step % gradient.Length] = badValues[step % badValues.Length];
                parameter.grad = tensor(gradient);
                optimizer.step();
                Assert.Equal(before, Snapshot(optimizer));
                Assert.Equal(1, optimizer.SkippedSteps);
                continue;
            }
            parameter.grad = tensor(gradient);
            twin.grad = tensor(gradient);
            optimizer.step();
            reference.step();
        }
        Assert.Equal(Snapshot(reference), Snapshot(optimizer));
    }

    [Fact]
    public void UnderErrorTheStepThrowsNamingParameterAndStepAndChangesNothing()
    {
        using var scope = NewDisposeScope();
        var (good, bad) = (new Parameter(tensor(new float[] { 1, 2 })), new Parameter(tensor(new float[] { 3, 4 })));
        using var optimizer = new AdaptiveOptimizer([("encoder.weight", good), ("decoder.bias", bad)], new Pure.Algorithms.AdamHyperparameters())
        {
            NonFinite = NonFinitePolicy.Error,
        };
        good.grad = tensor(new float[] { 1, 1 });
        bad.grad = tensor(new float[] { 1, float.NaN });
        var before = Snapshot(optimizer);
        var error = Assert.Throws<NonFiniteGradientException>(() => optimizer.step());
        Assert.Equal("decoder.bias", error.Parameter);
        Assert.Equal(1, error.Step);
        Assert.Equal(before, Snapshot(optimizer));
    }

    [Fact]
    public void TheGeneralPathChecksToo()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(tensor(new double[] { 1, 2 }));
        using var optimizer = new AdaptiveOptimizer([("head", parameter)], new Pure.Algorithms.RmsPropHyperparameters()) { NonFinite = NonFinitePolicy.Skip };
        parameter.grad = tensor(new double[] { double.PositiveInfinity, 1 });
        optimizer.step();
        Assert.Equal(1, optimizer.SkippedSteps);
        Assert.Equal([1.0, 2.0], parameter.data<double>().ToArray());
    }

    private static string Snapshot(AdaptiveOptimizer optimizer) =>
        string.Join(" | ", optimizer.States.Select(s =>
            $"{s.Step}: {string.Join(",", s.Parameter.data<float>().ToArray())} / " +
            string.Join(" / ", optimizer.Hyperparameters.Slots.OfType<Pure.Core.StateSlot>().Select(slot => string.Join(",", s[slot.Name].data<float>().ToArray())))));
}

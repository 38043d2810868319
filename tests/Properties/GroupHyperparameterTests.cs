using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Torch;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>A parameter group overrides any hyperparameter of the optimizer's algorithm with a record of that algorithm.</summary>
public class GroupHyperparameterTests
{
    [Fact]
    public void GroupsWithTheirOwnAdamRecordStepAsTorchSharpsAdamGroups()
    {
        using var scope = NewDisposeScope();
        var h = new AdamHyperparameters(Lr: 0.01);
        var head = h with { Lr = 0.05, Beta1 = 0.8, Beta2 = 0.99, Eps = 1e-6, WeightDecay = 0.1 };
        Parameter[] ours = [Vector(), Vector()], theirs = [Vector(), Vector()];
        using var optimizer = new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup([ours[0]]), new AdaptiveOptimizer.ParamGroup([ours[1]], head)], h);
        using var builtin = optim.Adam(
            [new Adam.ParamGroup([theirs[0]], lr: 0.01), new Adam.ParamGroup([theirs[1]], lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weight_decay: 0.1)]);
        var generator = new Random(3);
        for (int step = 1; step <= 8; step++)
        {
            for (int k = 0; k < 2; k++)
            {
                var gradient = Enumerable.Range(0, 3).Select(_ => (float)(generator.NextDouble() * 2 - 1)).ToArray();
                AdapterProperties.Backward(ours[k], tensor(gradient));
                AdapterProperties.Backward(theirs[k], tensor(gradient));
            }
            optimizer.step();
            builtin.step();
            for (int k = 0; k < 2; k++)
            {
                float[] expected = theirs[k].data<float>().ToArray(), actual = ours[k].data<float>().ToArray();
                for (int i = 0; i < 3; i++) Tolerance.AssertClose(expected[i], actual[i], $"group {k} step {step} element {i}");
            }
        }
        Assert.Equal(0.8, ((AdaptiveOptimizer.ParamGroup)optimizer.ParamGroups.Last()).Betas.Item1);
    }

    [Fact]
    public void AGroupRecordOfAnotherAlgorithmOrStateLayoutIsRefusedNamingTheGroup()
    {
        using var scope = NewDisposeScope();
        var h = new AdamHyperparameters();
        var wrongAlgorithm = Assert.Throws<ArgumentException>(() =>
            new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup([Vector()]), new AdaptiveOptimizer.ParamGroup([Vector()], new SgdHyperparameters())], h));
        Assert.Contains("parameter group 1", wrongAlgorithm.Message);
        Assert.Contains("sgd", wrongAlgorithm.Message);
        var otherLayout = Assert.Throws<ArgumentException>(() =>
            new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup([Vector()], h with { AmsGrad = true })], h));
        Assert.Contains("amsgrad", otherLayout.Message);
        var invalid = Assert.Throws<ArgumentException>(() =>
            new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup([Vector()], h with { Beta1 = 1.5 })], h));
        Assert.Contains("beta1", invalid.Message);
    }

    private static Parameter Vector() => new(tensor(new float[] { 1, -2, 3 }));
}

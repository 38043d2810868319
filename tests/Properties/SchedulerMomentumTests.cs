using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace AdaptiveLR.Properties;

/// <summary>
/// TorchSharp's OneCycleLR and CyclicLR with <c>cycle_momentum</c> (their default) drive our optimizer as they
/// drive TorchSharp's own: through IMomentum and IBetas, momentum for SGD and RMSprop, β₁ for the rest.
/// </summary>
public class SchedulerMomentumTests
{
    private const int Steps = 12;

    /// <summary>
    /// The algorithms with momentum or betas whose TorchSharp built-in follows torch.optim under a changing β₁.
    /// Not NAdam (TorchSharp keeps the product of μₜ in its state; ours recomputes it from the current β₁) nor RAdam
    /// (TorchSharp 0.107 multiplies its rectified step by lr twice).
    /// </summary>
    public static TheoryData<string> BuiltinsWithMomentumOrBetas => ["sgd", "rmsprop", "adam", "adamw", "adamax"];

    public static TheoryData<string> WithBetas => ["adam", "adamw", "adamax", "nadam", "radam", "lion", "adabelief", "yogi", "prodigy", "dadapt-adam", "lamb"];

    /// <summary>Each algorithm with a TorchSharp built-in that has momentum or betas: parameters and coefficients as the built-in's, step by step.</summary>
    [Theory]
    [MemberData(nameof(BuiltinsWithMomentumOrBetas))]
    public void OneCycleLRCyclesMomentumAsForTheBuiltin(string algorithm)
    {
        using var scope = NewDisposeScope();
        var h = WithMomentum(algorithm);
        RunSideBySide(h, optimizer => lr_scheduler.OneCycleLR(optimizer, max_lr: 0.05, total_steps: Steps));
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("rmsprop")]
    public void CyclicLRCyclesMomentumAsForTheBuiltin(string algorithm)
    {
        using var scope = NewDisposeScope();
        var h = WithMomentum(algorithm);
        RunSideBySide(h, optimizer => lr_scheduler.CyclicLR(optimizer, base_lr: 0.001, max_lr: 0.05, step_size_up: 4));
    }

    /// <summary>Every algorithm with betas: β₁ under OneCycleLR is built-in Adam's, step by step.</summary>
    [Theory]
    [MemberData(nameof(WithBetas))]
    public void OneCycleLRCyclesBeta1AsForBuiltinAdam(string algorithm)
    {
        using var scope = NewDisposeScope();
        var ours = new Parameter(tensor(new float[] { 1, -2, 3 }));
        var adam = new Parameter(tensor(new float[] { 1, -2, 3 }));
        using var optimizer = new AdaptiveOptimizer([ours], OptimizerRegistry.Find(algorithm)!.Defaults);
        using var builtin = Adam([adam]);
        var ourScheduler = lr_scheduler.OneCycleLR(optimizer, max_lr: 0.05, total_steps: Steps);
        var builtinScheduler = lr_scheduler.OneCycleLR(builtin, max_lr: 0.05, total_steps: Steps);
        for (int step = 0; step < Steps; step++)
        {
            Assert.Equal(((IBetas)builtin.ParamGroups.Single()).Betas.Item1, ((IBetasHyperparameters)GroupRecord(optimizer)).Beta1, 1e-12);
            Assert.Equal(builtin.ParamGroups.Single().LearningRate, optimizer.ParamGroups.Single().LearningRate, 1e-12);
            AdapterProperties.Backward(ours, tensor(new float[] { 0.5f, -1, 2 }));
            AdapterProperties.Backward(adam, tensor(new float[] { 0.5f, -1, 2 }));
            optimizer.step();
            builtin.step();
            ourScheduler.step();
            builtinScheduler.step();
        }
    }

    /// <summary>
    /// TorchSharp's CyclicLR refuses its own Adam; ours cycles β₁ as torch.optim's CyclicLR does, by SGD's momentum
    /// sequence. (TorchSharp 0.107's CyclicLR moves momentum between max_momentum and 2·max − base, where torch.optim
    /// goes between base and max; base 0.85 and max 0.9 keep β₁ below 1.)
    /// </summary>
    [Theory]
    [MemberData(nameof(WithBetas))]
    public void CyclicLRCyclesBeta1AsTheBuiltinCyclesSgdMomentum(string algorithm)
    {
        using var scope = NewDisposeScope();
        var ours = new Parameter(tensor(new float[] { 1, -2, 3 }));
        var sgd = new Parameter(tensor(new float[] { 1, -2, 3 }));
        using var optimizer = new AdaptiveOptimizer([ours], OptimizerRegistry.Find(algorithm)!.Defaults);
        using var builtin = SGD([sgd], 0.01, momentum: 0.9);
        var ourScheduler = lr_scheduler.CyclicLR(optimizer, base_lr: 0.001, max_lr: 0.05, step_size_up: 3, base_momentum: 0.85, max_momentum: 0.9);
        var builtinScheduler = lr_scheduler.CyclicLR(builtin, base_lr: 0.001, max_lr: 0.05, step_size_up: 3, base_momentum: 0.85, max_momentum: 0.9);
        for (int step = 0; step < Steps; step++)
        {
            Assert.Equal(((IMomentum)builtin.ParamGroups.Single()).Momentum, ((IBetasHyperparameters)GroupRecord(optimizer)).Beta1, 1e-12);
            Assert.Equal(builtin.ParamGroups.Single().LearningRate, optimizer.ParamGroups.Single().LearningRate, 1e-12);
            AdapterProperties.Backward(ours, tensor(new float[] { 0.5f, -1, 2 }));
            AdapterProperties.Backward(sgd, tensor(new float[] { 0.5f, -1, 2 }));
            optimizer.step();
            builtin.step();
            ourScheduler.step();
            builtinScheduler.step();
        }
    }

    [Theory]
    [InlineData("adagrad")]
    [InlineData("adadelta")]
    [InlineData("adafactor")]
    public void AlgorithmsWithoutMomentumOrBetasRefuseCycleMomentumInOneLine(string algorithm)
    {
        using var scope = NewDisposeScope();
        using var optimizer = new AdaptiveOptimizer([new Parameter(tensor(new float[] { 1, 2 }))], OptimizerRegistry.Find(algorithm)!.Defaults);
        var error = Assert.Throws<InvalidOperationException>(() => lr_scheduler.OneCycleLR(optimizer, max_lr: 0.05, total_steps: Steps));
        Assert.Contains("cycle_momentum: false", error.Message);
        lr_scheduler.OneCycleLR(optimizer, max_lr: 0.05, total_steps: Steps, cycle_momentum: false);
    }

    [Fact]
    public void SgdWithoutMomentumCannotHaveItScheduled()
    {
        using var scope = NewDisposeScope();
        using var optimizer = new AdaptiveOptimizer([new Parameter(tensor(new float[] { 1, 2 }))], new SgdHyperparameters(Lr: 0.01));
        var error = Assert.Throws<InvalidOperationException>(() => lr_scheduler.CyclicLR(optimizer, base_lr: 0.001, max_lr: 0.05));
        Assert.Contains("momentum > 0", error.Message);
    }

    private static Hyperparameters WithMomentum(string algorithm) => algorithm switch
    {
        "sgd" => new SgdHyperparameters(Lr: 0.01, Momentum: 0.9),
        "rmsprop" => new RmsPropHyperparameters(Lr: 0.01, Momentum: 0.9),
        _ => OptimizerRegistry.Find(algorithm)!.Defaults,
    };

    private static Hyperparameters GroupRecord(AdaptiveOptimizer optimizer) =>
        ((AdaptiveOptimizer.ParamGroup)optimizer.ParamGroups.Single()).Options.Hyperparameters!;

    /// <summary>Our optimizer and TorchSharp's for the same record, each under its own scheduler made by <paramref name="schedule"/>, on the same gradients.</summary>
    private static void RunSideBySide(Hyperparameters h, Func<Optimizer, lr_scheduler.LRScheduler> schedule)
    {
        var ours = new Parameter(tensor(new float[] { 1, -2, 3, 0.5f }));
        var theirs = new Parameter(tensor(new float[] { 1, -2, 3, 0.5f }));
        using var optimizer = new AdaptiveOptimizer([ours], h);
        using var builtin = TorchBuiltinOptimizers.Create(h, [theirs]);
        var ourScheduler = schedule(optimizer);
        var builtinScheduler = schedule(builtin);
        var generator = new Random(7);
        for (int step = 0; step < Steps; step++)
        {
            AssertSameCoefficients(builtin.ParamGroups.Single(), optimizer.ParamGroups.Single());
            var gradient = Enumerable.Range(0, 4).Select(_ => (float)(generator.NextDouble() * 4 - 2)).ToArray();
            AdapterProperties.Backward(ours, tensor(gradient));
            AdapterProperties.Backward(theirs, tensor(gradient));
            optimizer.step();
            builtin.step();
            ourScheduler.step();
            builtinScheduler.step();
            float[] expected = theirs.data<float>().ToArray(), actual = ours.data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++) Tolerance.AssertClose(expected[i], actual[i], $"{h.Algorithm} step {step + 1} element {i}");
        }
    }

    private static void AssertSameCoefficients(ILearningRateController builtin, ILearningRateController ours)
    {
        Assert.Equal(builtin.LearningRate, ours.LearningRate, 1e-12);
        if (builtin is IBetas betas) Assert.Equal(betas.Betas, ((IBetas)ours).Betas);
        else Assert.Equal(((IMomentum)builtin).Momentum, ((IMomentum)ours).Momentum, 1e-12);
    }
}

using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>
/// State files of TorchSharp's built-in optimizers, written and read by TorchSharp itself: a job moves from
/// <c>optim.Adam</c> (and the others) to AdaptiveOptimizer and back, and continues as if it had not moved.
/// </summary>
public class TorchSharpStateTests
{
    // RAdam stays below step 6, where TorchSharp 0.107's rectified step multiplies by lr twice.
    public static TheoryData<string> Algorithms => ["sgd", "rmsprop", "adam", "amsgrad", "adamw", "adagrad", "adadelta", "adamax", "nadam", "radam", "rprop"];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void ABuiltinStateFileContinuesInOurOptimizer(string algorithm)
    {
        using var scope = NewDisposeScope();
        var h = Configured(algorithm);
        var (theirs, ours) = (Vector(), Vector());
        using var builtin = TorchBuiltinOptimizers.Create(h, [theirs]);
        var gradients = new Random(11);
        for (int step = 0; step < 2; step++) Step(builtin, theirs, Gradient(gradients));
        string file = TemporaryFile();
        try
        {
            ((OptimizerHelper)builtin).save_state_dict(file);
            using (no_grad()) ours.copy_(theirs);
            using var optimizer = new AdaptiveOptimizer([ours], h);
            optimizer.load_torchsharp_state_dict(file);
            // TorchSharp keeps no step count for SGD (imported as 1 once there is a buffer) and never advances Adadelta's.
            Assert.Equal(algorithm switch { "sgd" => 1, "adadelta" => 0, _ => 2 }, optimizer.States[0].Step);
            ContinueSideBySide(builtin, theirs, optimizer, ours, gradients, algorithm);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void OurStateSavedInTorchSharpsFormatContinuesInTheBuiltin(string algorithm)
    {
        using var scope = NewDisposeScope();
        var h = Configured(algorithm);
        var (theirs, ours) = (Vector(), Vector());
        using var optimizer = new AdaptiveOptimizer([ours], h);
        var gradients = new Random(12);
        for (int step = 0; step < 2; step++) Step(optimizer, ours, Gradient(gradients));
        string file = TemporaryFile();
        try
        {
            optimizer.save_torchsharp_state_dict(file);
            using (no_grad()) theirs.copy_(ours);
            using var builtin = TorchBuiltinOptimizers.Create(h, [theirs]);
            ((OptimizerHelper)builtin).load_state_dict(file);
            ContinueSideBySide(builtin, theirs, optimizer, ours, gradients, algorithm);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void AnotherOptimizersFileIsRefusedAndChangesNothing()
    {
        using var scope = NewDisposeScope();
        var parameter = Vector();
        using var adam = optim.Adam([parameter]);
        Step(adam, parameter, Gradient(new Random(1)));
        string file = TemporaryFile();
        try
        {
            ((OptimizerHelper)adam).save_state_dict(file);
            using var optimizer = new AdaptiveOptimizer([parameter], new SgdHyperparameters(Lr: 0.1, Momentum: 0.9));
            Step(optimizer, parameter, Gradient(new Random(2)));
            var before = optimizer.States[0]["momentum_buffer"].clone();
            Assert.ThrowsAny<Exception>(() => optimizer.load_torchsharp_state_dict(file));
            Assert.Equal(1, optimizer.States[0].Step);
            Assert.Equal(before.data<float>().ToArray(), optimizer.States[0]["momentum_buffer"].data<float>().ToArray());
            var amsgrad = new AdaptiveOptimizer([parameter], new AdamHyperparameters(AmsGrad: true));
            Assert.Throws<InvalidDataException>(() => amsgrad.load_torchsharp_state_dict(file));
            Assert.Equal(0, amsgrad.States[0].Step);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Hyperparameters Configured(string algorithm) => algorithm switch
    {
        "sgd" => new SgdHyperparameters(Lr: 0.05, Momentum: 0.9),
        "rmsprop" => new RmsPropHyperparameters(Lr: 0.01, Momentum: 0.9, Centered: true),
        _ => Pure.OptimizerRegistry.Find(algorithm)!.Defaults with { Lr = 0.05 },
    };

    private static void ContinueSideBySide(optim.Optimizer builtin, Parameter theirs, AdaptiveOptimizer optimizer, Parameter ours, Random gradients, string algorithm)
    {
        for (int step = 3; step <= 5; step++)
        {
            var gradient = Gradient(gradients);
            Step(builtin, theirs, gradient);
            Step(optimizer, ours, gradient);
            float[] expected = theirs.data<float>().ToArray(), actual = ours.data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++) Tolerance.AssertClose(expected[i], actual[i], $"{algorithm} step {step} element {i}");
        }
    }

    private static void Step(optim.Optimizer optimizer, Parameter parameter, float[] gradient)
    {
        AdapterProperties.Backward(parameter, tensor(gradient));
        optimizer.step();
    }

    private static float[] Gradient(Random random) => [.. Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 4 - 2))];

    private static Parameter Vector() => new(tensor(new float[] { 1, -2, 3, 0.5f }));

    private static string TemporaryFile() => Path.Combine(Path.GetTempPath(), $"adaptivelr-torchsharp-state-{Guid.NewGuid():N}.bin");
}

using AdaptiveLR.Torch;
using FsCheck.Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>
/// Each algorithm's reference trajectory equals TorchSharp's built-in optimizer (an independent
/// implementation of torch.optim's semantics) within float32 tolerance. Also proves that the native
/// library loads on this machine.
/// </summary>
public class TorchDifferentialProperties
{
    [Property(Arbitrary = [typeof(TorchAlgorithm)], MaxTest = 300)]
    public void ReferenceTrajectoryEqualsTorchSharp(Scenario scenario) => AssertEqualsTorchSharp(scenario);

    /// <summary>Rprop and ASGD, staged algorithms here, against TorchSharp's Rprop and ASGD.</summary>
    [Property(Arbitrary = [typeof(StagedTorchAlgorithm)], MaxTest = 200)]
    public void StagedReferenceTrajectoryEqualsTorchSharp(Scenario scenario) => AssertEqualsTorchSharp(scenario);

    private static void AssertEqualsTorchSharp(Scenario scenario)
    {
        var expected = Trajectories.Reference(scenario);
        using var scope = NewDisposeScope();
        var parameter = new TorchSharp.Modules.Parameter(tensor(scenario.X0.Select(v => (float)v).ToArray()));
        using var optimizer = TorchBuiltinOptimizers.Create(scenario.Hyperparameters, [parameter]);
        for (int step = 0; step < scenario.Gradients.Length; step++)
        {
            optimizer.zero_grad();
            // d/dθ Σ θᵢgᵢ = g: the gradient of this step, through autograd.
            var gradient = tensor(scenario.Gradients[step].Select(v => (float)v).ToArray());
            (parameter * gradient).sum().backward();
            optimizer.step();
            float[] actual = parameter.detach().data<float>().ToArray();
            for (int i = 0; i < scenario.Size; i++)
                Tolerance.AssertClose(expected[step].Parameters[i], actual[i], $"{scenario.Hyperparameters.Algorithm} step {step + 1} element {i}",
                    scale: Tolerance.TrajectoryScale(scenario, expected, step, i));
        }
    }
}

using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Properties;

/// <summary>Runs a scenario through the reference path and through the fused float kernel.</summary>
public static class Trajectories
{
    /// <summary>Each step's result on the reference path (double).</summary>
    public static List<StepResult> Reference(Scenario scenario)
    {
        var results = new List<StepResult>();
        var state = OptimizerState.Initial(scenario.Hyperparameters, scenario.Size);
        var x = ImmutableArray.Create(scenario.X0);
        foreach (var gradient in scenario.Gradients)
        {
            var result = ReferenceStep.Step(scenario.Hyperparameters, state, x, ImmutableArray.Create(gradient));
            results.Add(result);
            (state, x) = (result.State, result.Parameters);
        }
        return results;
    }

    /// <summary>The parameters after each step on the fused kernel (float).</summary>
    public static List<float[]> Kernel(Scenario scenario)
    {
        var h = scenario.Hyperparameters;
        float[] parameters = [.. scenario.X0.Select(v => (float)v)];
        float[][] state = [.. h.Slots.Select(slot => slot is null ? [] : Enumerable.Repeat((float)slot.InitialValue, scenario.Size).ToArray())];
        var results = new List<float[]>();
        for (int step = 1; step <= scenario.Gradients.Length; step++)
        {
            float[] gradient = [.. scenario.Gradients[step - 1].Select(v => (float)v)];
            FusedStep.Apply(h, h.ContextFor(step), parameters, gradient, state[0], state[1], state[2]);
            results.Add([.. parameters]);
        }
        return results;
    }
}

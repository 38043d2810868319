using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties.Golden;

/// <summary>A fixture's gradients fed through the TorchSharp adapter, one step at a time, for the golden tests to check after each.</summary>
internal static class GoldenReplay
{
    /// <summary>
    /// Steps an adapter over the fixture's initial parameters (of <paramref name="dtype"/>, named as in the fixture, in its groups) with
    /// its recorded gradients; after each step <paramref name="afterStep"/> sees the step's index, the adapter and the parameters.
    /// </summary>
    public static void ThroughAdapter(GoldenFixture fixture, Hyperparameters h, ScalarType dtype, Action<int, AdaptiveOptimizer, IReadOnlyList<Parameter>> afterStep)
    {
        using var scope = NewDisposeScope();
        var parameters = fixture.Parameters.Select(p => new Parameter(tensor(p.Values, dtype: dtype).reshape(p.Shape))).ToList();
        using var adapter = fixture.Groups is null
            ? new AdaptiveOptimizer(fixture.Parameters.Select(p => p.Name).Zip(parameters), h)
            : new AdaptiveOptimizer(Grouped(ReferenceNames.Groups(fixture), parameters), h);
        for (int s = 0; s < fixture.Steps.Length; s++)
        {
            for (int p = 0; p < parameters.Count; p++)
                AdapterProperties.Backward(parameters[p], tensor(fixture.Steps[s].Gradients[p], dtype: dtype).reshape(fixture.Parameters[p].Shape));
            adapter.step();
            afterStep(s, adapter, parameters);
        }
    }

    /// <summary>The parameters in the fixture's groups, each group with its own record.</summary>
    private static IEnumerable<AdaptiveOptimizer.ParamGroup> Grouped(IReadOnlyList<(Hyperparameters Record, int Parameters)> groups, List<Parameter> parameters)
    {
        int first = 0;
        foreach (var (record, count) in groups)
        {
            yield return new AdaptiveOptimizer.ParamGroup(parameters.GetRange(first, count), record);
            first += count;
        }
    }

    /// <summary>A tensor's values as float64, flattened.</summary>
    public static double[] Values(Tensor t) => t.detach().to(float64).reshape(-1).data<double>().ToArray();
}

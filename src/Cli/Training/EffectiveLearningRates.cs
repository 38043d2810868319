using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// The effective per-parameter learning rate — the factor the algorithm applies to its update
/// direction, the quantity adaptive methods adapt — from the adapter's state, pooled per layer.
/// </summary>
public static class EffectiveLearningRates
{
    /// <summary>Every parameter's effective learning rate after the last step, by layer (<c>conv1</c>, <c>fc2</c>, …), in model order.</summary>
    public static ImmutableArray<(string Layer, float[] Rates)> ByLayer(AdaptiveOptimizer optimizer)
    {
        var hyperparameters = optimizer.Hyperparameters;
        var layers = new List<(string Layer, List<float[]> Parts)>();
        foreach (var state in optimizer.States)
        {
            if (state.Step == 0) continue;
            var context = new StepContext(state.Step, hyperparameters.Lr, hyperparameters.WeightDecay);
            var rates = new float[state.Parameter.numel()];
            if (hyperparameters is StagedHyperparameters)
            {
                rates = optimizer.StagedEffectiveLearningRates(state);
            }
            else if (hyperparameters is TensorHyperparameters tensorLevel)
            {
                // Adafactor: its factored slots are not shaped like the parameter, and its step scales with the parameter's RMS.
                var view = MatrixView.Of(state.Parameter.shape);
                float[][] buffers = [.. tensorLevel.SlotsFor(view).Select(slot => slot is null ? [] : state[slot.Name].data<float>().ToArray())];
                float[] parameter = state.Parameter.data<float>().ToArray();
                tensorLevel.EffectiveLearningRates<float>(context, view, rates, parameter, buffers[0], buffers[1], buffers[2]);
            }
            else
            {
                float[][] slots = [.. hyperparameters.Slots.Select(slot => slot is null ? [] : state[slot.Name].data<float>().ToArray())];
                FusedStep.EffectiveLearningRates(hyperparameters, context, rates, slots[0], slots[1], slots[2]);
            }
            string layer = LayerOf(state.Name);
            if (layers.Count == 0 || layers[^1].Layer != layer) layers.Add((layer, []));
            layers[^1].Parts.Add(rates);
        }
        return [.. layers.Select(l => (l.Layer, l.Parts.SelectMany(p => p).ToArray()))];
    }

    /// <summary>10th percentile, median and 90th percentile of each layer.</summary>
    public static ImmutableArray<LayerLearningRates> Distribution(IEnumerable<(string Layer, float[] Rates)> byLayer) =>
        [.. byLayer.Select(l =>
        {
            float[] sorted = [.. l.Rates];
            Array.Sort(sorted);
            return new LayerLearningRates(l.Layer, Percentile(sorted, 0.1), Percentile(sorted, 0.5), Percentile(sorted, 0.9));
        })];

    /// <summary>Linear interpolation between the closest ranks (numpy's default).</summary>
    public static double Percentile(float[] sorted, double fraction)
    {
        double position = fraction * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * ((double)sorted[above] - sorted[below]);
    }

    private static string LayerOf(string parameterName) =>
        parameterName.LastIndexOf('.') is var dot and > 0 ? parameterName[..dot] : parameterName;
}

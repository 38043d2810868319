using AdaptiveLR.Cli.Output;
using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.Plotting;

/// <summary>
/// Hyperparameters short enough for a figure's title or legend: the learning rate and whatever
/// differs from the algorithm's defaults, "adam(lr=0.002)", "rmsprop(lr=0.1, alpha=0.9)".
/// </summary>
public static class ShortHyperparameters
{
    public const string Note = "other hyperparameters at their defaults";

    public static string Describe(Hyperparameters hyperparameters)
    {
        var defaults = OptimizerRegistry.Find(hyperparameters.Algorithm)?.Defaults;
        var defaultValues = defaults is null ? [] : HyperparameterText.Values(defaults).ToDictionary(v => v.Name, v => v.Value);
        var shown = HyperparameterText.Values(hyperparameters)
            .Where(v => v.Name == "lr" || !defaultValues.TryGetValue(v.Name, out var value) || !Equals(value, v.Value))
            .Select(v => $"{v.Name}={HyperparameterText.Format(v.Value)}");
        return $"{hyperparameters.Algorithm}({string.Join(", ", shown)})";
    }
}

using System.Collections.Immutable;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// An entry of the registry: an algorithm's name, a one-line summary, the hyperparameters it
/// takes (torch.optim names), its defaults, which user settings override, and its paper and
/// update equations.
/// </summary>
public sealed record OptimizerDefinition(string Name, string Summary, ImmutableArray<string> Settings, Hyperparameters Defaults, string Reference)
{
    /// <summary>The defaults with the given settings in place (settings the algorithm does not have are ignored).</summary>
    public Hyperparameters Configure(HyperparameterSettings settings) => Defaults.With(settings);
}

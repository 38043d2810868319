using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.Configuration;

/// <summary>
/// The flags given on the command line, the last layer of the configuration: values by key, the flag
/// that set each, and the hyperparameter flags (which apply to whichever optimizer is chosen, or to each compared one).
/// </summary>
public sealed record CommandLineSettings(ImmutableDictionary<string, (string Value, string Flag)> Values, HyperparameterSettings Hyperparameters)
{
    /// <summary>Whether the hyperparameter flags apply to every optimizer <c>compare</c> trains rather than to <c>train</c>'s one.</summary>
    public bool ForComparedOptimizers { get; init; }

    public static CommandLineSettings None { get; } = new(ImmutableDictionary<string, (string, string)>.Empty, new HyperparameterSettings());
}

using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.Configuration;

/// <summary>
/// The flags given on the command line, the last layer of the configuration: values by key, the flag
/// that set each, and the hyperparameter flags (which apply to whichever optimizer is chosen).
/// </summary>
public sealed record CommandLineSettings(ImmutableDictionary<string, (string Value, string Flag)> Values, HyperparameterSettings Hyperparameters)
{
    public static CommandLineSettings None { get; } = new(ImmutableDictionary<string, (string, string)>.Empty, new HyperparameterSettings());
}

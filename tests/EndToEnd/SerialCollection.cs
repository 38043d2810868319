using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// Tests that touch process-wide state run alone, after the others: training (initial weights and
/// dropout come from TorchSharp's global generator) and environment variables.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}

using AdaptiveLR.Pure.Transforms;

namespace AdaptiveLR.Cli.Training;

/// <summary><c>--nonfinite</c>: what a NaN or infinite loss or gradient does to a run.</summary>
public static class NonFiniteHandling
{
    public const string Error = "error", Skip = "skip";

    public static IReadOnlyList<string> Names { get; } = [Error, Skip];

    public static NonFinitePolicy Policy(string name) => name == Skip ? NonFinitePolicy.Skip : NonFinitePolicy.Error;
}

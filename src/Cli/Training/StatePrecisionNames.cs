using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;

namespace AdaptiveLR.Cli.Training;

/// <summary><c>--state-precision</c>: how ours keeps the optimizer state (fp32, bf16, int8).</summary>
public static class StatePrecisionNames
{
    public const string Float32 = "fp32", BFloat16 = "bf16", Int8 = "int8";

    public static IReadOnlyList<string> Names { get; } = [Float32, BFloat16, Int8];

    public static StatePrecision Parse(string name) => name switch
    {
        BFloat16 => StatePrecision.BFloat16,
        Int8 => StatePrecision.Int8,
        _ => StatePrecision.Float32,
    };

    /// <summary>The precision's name, as the flag takes it.</summary>
    public static string Of(StatePrecision precision) => AdaptiveOptimizer.Name(precision);
}

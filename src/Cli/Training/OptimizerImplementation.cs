using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using TorchSharp;
using TorchSharp.Modules;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// Which code runs the algorithm: ours (src/Pure through the adapter) or TorchSharp's built-in
/// optimizer, for comparison.
/// </summary>
public static class OptimizerImplementation
{
    public const string Ours = "ours", Torch = "torch";

    public static IReadOnlyList<string> Names { get; } = [Ours, Torch];

    public static OptimizerHelper Create(string implementation, Hyperparameters hyperparameters, torch.nn.Module model) => implementation switch
    {
        Ours => new AdaptiveOptimizer(model.named_parameters(), hyperparameters),
        Torch => TorchBuiltin(hyperparameters, model),
        _ => throw new UsageException($"--impl: unknown implementation '{implementation}'; allowed: {string.Join(", ", Names)}"),
    };

    /// <summary>A usage error, before any training, unless <paramref name="implementation"/> can run <paramref name="hyperparameters"/>.</summary>
    public static void EnsureAvailable(string implementation, Hyperparameters hyperparameters)
    {
        if (implementation != Torch) return;
        using var probe = torch.nn.Linear(1, 1);
        using var optimizer = TorchBuiltin(hyperparameters, probe);
    }

    private static OptimizerHelper TorchBuiltin(Hyperparameters hyperparameters, torch.nn.Module model)
    {
        try
        {
            return (OptimizerHelper)TorchBuiltinOptimizers.Create(hyperparameters, model.parameters());
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--impl {Torch}: {e.Message.Split(" (Parameter")[0]}; use --impl {Ours}");
        }
    }
}

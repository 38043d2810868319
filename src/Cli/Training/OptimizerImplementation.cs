using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Transforms;
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

    /// <summary>
    /// The plan's optimizer for <paramref name="model"/>: ours with the plan's gradient
    /// transformations and non-finite policy, or TorchSharp's built-in one (whose clipping and
    /// non-finite checks the <see cref="Trainer"/> does with torch's own functions).
    /// </summary>
    public static OptimizerHelper Create(TrainingPlan plan, torch.nn.Module model) => plan.Implementation switch
    {
        // Muon splits the model into orthogonalised and AdamW groups; staged algorithms keep float32 state (EnsureAvailable).
        Ours when plan.Hyperparameters is MuonHyperparameters muon =>
            new AdaptiveOptimizer(MuonGroups.Of(model.named_parameters(), muon), new OptimizerChain(muon, plan.Transforms), model.named_parameters()) { NonFinite = plan.NonFinite },
        Ours => new AdaptiveOptimizer(model.named_parameters(), new OptimizerChain(plan.Hyperparameters, plan.Transforms), plan.StatePrecision) { NonFinite = plan.NonFinite },
        Torch => TorchBuiltin(plan.Hyperparameters, model),
        _ => throw new UsageException($"--impl: unknown implementation '{plan.Implementation}'; allowed: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// A usage error, before any training, unless the plan's implementation can run its algorithm and
    /// transformations: TorchSharp's built-in optimizers take clipping (torch's clip_grad_norm_ and
    /// clip_grad_value_) but no other transformation.
    /// </summary>
    public static void EnsureAvailable(TrainingPlan plan)
    {
        if (plan.StatePrecision != StatePrecision.Float32 && plan.Hyperparameters is TensorHyperparameters or StagedHyperparameters)
            throw new UsageException($"--state-precision: {plan.Hyperparameters.Algorithm} keeps float32 state only; {StatePrecisionNames.Of(plan.StatePrecision)} state is for the element-wise algorithms ({string.Join(", ", Pure.OptimizerRegistry.All.Where(d => d.Defaults is not (TensorHyperparameters or StagedHyperparameters)).Select(d => d.Name))}); allowed: {StatePrecisionNames.Float32} for {plan.Hyperparameters.Algorithm}");
        if (plan.Implementation != Torch) return;
        if (plan.StatePrecision != StatePrecision.Float32)
            throw new UsageException($"--state-precision: {StatePrecisionNames.Of(plan.StatePrecision)} is ours only; TorchSharp's built-in optimizers keep float32 state; use --impl {Ours} or --state-precision {StatePrecisionNames.Float32}");
        if (plan.Transforms.FirstOrDefault(t => t is not (ClipByGlobalNorm or ClipByValue)) is { } unavailable)
            throw new UsageException($"{Flag(unavailable)}: not available with --impl {Torch} (TorchSharp's built-in optimizers take only --clip-grad-norm and --clip-grad-value); use --impl {Ours}");
        using var probe = torch.nn.Linear(1, 1);
        using var optimizer = TorchBuiltin(plan.Hyperparameters, probe);
        // TorchSharp turns its per-step scalars (Adam's lr / (1 - beta1^t), …) into float32: one step on
        // the probe finds a rate that overflows there before any training does.
        using var input = torch.ones(1, 1);
        using var loss = probe.forward(input).sum();
        loss.backward();
        try
        {
            optimizer.step();
        }
        catch (System.Runtime.InteropServices.ExternalException e) when (e.Message.Contains("overflow", StringComparison.Ordinal))
        {
            throw new UsageException($"--lr: {Output.NumberText.Exact(plan.Hyperparameters.Lr)} overflows float32 in TorchSharp's {plan.Hyperparameters.Algorithm} step ({e.Message.Split('\n')[0].Trim()}); allowed: a smaller lr, or --impl {Ours}");
        }
    }

    private static string Flag(GradientTransform transform) => transform switch
    {
        AccumulateGradients => "--accumulate",
        MaskedWeightDecay => "--masked-weight-decay",
        Lookahead => "--lookahead",
        _ => "--" + transform.Name.Replace('_', '-'),
    };

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

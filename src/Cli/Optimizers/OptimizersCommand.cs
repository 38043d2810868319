using System.CommandLine;
using System.Text.Json;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;

namespace AdaptiveLR.Cli.Optimizers;

/// <summary>
/// <c>adaptivelr optimizers [NAME]</c>: every algorithm with its defaults and a one-line summary, or
/// one algorithm's paper, update equations, state quantities and flags.
/// </summary>
public static class OptimizersCommand
{
    public static Command Create(TextWriter output)
    {
        var name = new Argument<string?>("name") { Description = "One algorithm to describe in full", Arity = ArgumentArity.ZeroOrOne };
        var format = OutputFormat.Option(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("optimizers", "List every algorithm with its defaults, or print one algorithm's equations and state quantities.") { name, format };
        command.SetAction(parsed =>
        {
            string? requested = parsed.GetValue(name);
            var definitions = requested is null
                ? OptimizerRegistry.All.ToList()
                : [OptimizerRegistry.Find(requested) ?? throw new UsageException($"optimizers: unknown optimizer '{requested}'{Messages.NearestNames.Hint(requested, OptimizerRegistry.Names)}; allowed: {string.Join(", ", OptimizerRegistry.Names)}")];
            if (parsed.GetValue(format) == OutputFormat.Json) definitions.ForEach(d => output.WriteLine(Json(d)));
            else if (requested is null) WriteList(definitions, output);
            else WriteOne(definitions[0], output);
            return CliApp.Success;
        });
        return command;
    }

    private static void WriteList(IReadOnlyList<OptimizerDefinition> definitions, TextWriter output)
    {
        int width = definitions.Max(d => d.Name.Length);
        foreach (var definition in definitions)
        {
            output.WriteLine($"{definition.Name.PadRight(width)}  {definition.Summary}");
            output.WriteLine($"{new string(' ', width)}  defaults: {Defaults(definition)}");
        }
        output.WriteLine();
        output.WriteLine("adaptivelr optimizers NAME prints an algorithm's paper, update equations and state quantities.");
    }

    private static void WriteOne(OptimizerDefinition definition, TextWriter output)
    {
        output.WriteLine($"{definition.Name}: {definition.Summary}");
        output.WriteLine();
        foreach (string line in definition.Reference.Split('\n')) output.WriteLine($"  {line}".TrimEnd());
        output.WriteLine();
        output.WriteLine($"state quantities: {string.Join(", ", StateNames(definition))}");
        if (ScalarNames(definition) is { Length: > 0 } scalars) output.WriteLine($"scalars (step shows them): {string.Join(", ", scalars)}");
        if (definition.Defaults.LearningRateFree) output.WriteLine("learning-rate-free: lr-find and compare --tune-lr leave lr at 1");
        output.WriteLine($"defaults: {Defaults(definition)}");
        output.WriteLine($"flags: {string.Join(" ", definition.Settings.Select(HyperparameterOptions.FlagName))}");
        output.WriteLine($"TorchSharp built-in: {(TorchBuiltinOptimizers.Has(definition.Defaults) ? "yes (train --impl torch, bench)" : "none")}");
    }

    /// <summary>Every quantity the algorithm can keep, with optional ones marked by the setting that enables them.</summary>
    private static IEnumerable<string> StateNames(OptimizerDefinition definition)
    {
        if (definition.Defaults is TensorHyperparameters tensorLevel)
            return [.. tensorLevel.SlotsFor(MatrixView.Vector(1)).OfType<StateSlot>().Select(s => $"{s.Name} (vectors)"),
                    .. tensorLevel.SlotsFor(new MatrixView(1, 1, Factored: true)).OfType<StateSlot>().Select(s => $"{s.Name} (2+ dimensions)")];
        if (definition.Defaults is StagedHyperparameters staged && !staged.SlotsFor([1]).SequenceEqual(staged.SlotsFor([1, 1])))
            return [.. staged.SlotsFor([1]).OfType<StateSlot>().Select(s => $"{s.Name} (vectors)"),
                    .. staged.SlotsFor([1, 1]).OfType<StateSlot>().Select(s => $"{s.Name} (2+ dimensions)")];
        var always = definition.Defaults.Slots.OfType<StateSlot>().Select(s => s.Name).ToList();
        var everything = definition.Defaults.With(new HyperparameterSettings { Momentum = 0.9, Centered = true, AmsGrad = true })
            .Slots.OfType<StateSlot>();
        var optional = definition.Defaults.With(new HyperparameterSettings { Beta1 = 0 }).Slots.OfType<StateSlot>().Select(s => s.Name).ToHashSet();
        return everything.Select(s => (s.Name, Note: !always.Contains(s.Name) ? "optional"
                                                   : definition.Defaults is StagedHyperparameters && !optional.Contains(s.Name) ? "beta1 > 0"
                                                   : s.Sampled ? "every slice_p-th element" : null))
            .Select(s => s.Note is null ? s.Name : $"{s.Name} ({s.Note})");
    }

    /// <summary>A staged algorithm's group scalars (Prodigy's d, …), then its per-tensor ones (LAMB's trust_ratio).</summary>
    private static string[] ScalarNames(OptimizerDefinition definition)
    {
        if (definition.Defaults is not StagedHyperparameters staged) return [];
        var perTensor = staged.TensorScalars(new StageInputs(staged.ContextFor(1), staged.InitialScalars, staged.InitialScalars, new double[staged.SumCount], 1));
        return [.. staged.InitialScalars.Names, .. perTensor.Names.Select(n => $"{n} (per tensor)")];
    }

    private static string Defaults(OptimizerDefinition definition) =>
        string.Join(", ", HyperparameterText.Values(definition.Defaults).Select(v => $"{v.Name}={HyperparameterText.Format(v.Value)}"));

    private static string Json(OptimizerDefinition definition) => JsonSerializer.Serialize(new
    {
        name = definition.Name,
        summary = definition.Summary,
        defaults = HyperparameterText.Values(definition.Defaults).ToDictionary(v => v.Name, v => v.Value),
        state = StateNames(definition).ToArray(),
        scalars = ScalarNames(definition),
        learning_rate_free = definition.Defaults.LearningRateFree,
        flags = definition.Settings.Select(HyperparameterOptions.FlagName).ToArray(),
        torch_builtin = TorchBuiltinOptimizers.Has(definition.Defaults),
        reference = definition.Reference,
    });
}

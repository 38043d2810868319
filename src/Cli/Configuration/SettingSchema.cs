using System.Collections.Immutable;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Problems;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Cli.Training.Models;
using AdaptiveLR.Pure;

namespace AdaptiveLR.Cli.Configuration;

/// <summary>
/// Every key the configuration accepts, in the order <c>config</c> prints them. Anything else in a
/// configuration file or an <c>ADAPTIVELR__</c> variable is an error naming the allowed keys.
/// </summary>
public static class SettingSchema
{
    public static ImmutableArray<SettingKey> Keys { get; } =
    [
        new("Training:Optimizer", SettingKind.OneOf(OptimizerRegistry.Names), "--optimizer", s => s.Training.Optimizer),
        new("Training:Impl", SettingKind.OneOf(OptimizerImplementation.Names), "--impl", s => s.Training.Impl),
        new("Training:Epochs", SettingKind.PositiveInteger, "--epochs", s => s.Training.Epochs),
        new("Training:BatchSize", SettingKind.PositiveInteger, "--batch-size", s => s.Training.BatchSize),
        new("Training:TestBatchSize", SettingKind.PositiveInteger, "--test-batch-size", s => s.Training.TestBatchSize),
        new("Training:Seed", SettingKind.NonNegativeInteger, "--seed", s => s.Training.Seed),
        new("Training:Problem", SettingKind.OneOf(ProblemCatalog.Names), "--problem", s => s.Training.Problem),
        new("Training:Model", SettingKind.OptionalOneOf(ModelCatalog.Names), "--model", s => s.Training.Model),
        new("Training:Threads", SettingKind.IntegerBetween(1, TrainingThreads.Maximum), "--threads", s => s.Training.Threads),
        new("Training:StatePrecision", SettingKind.OneOf(StatePrecisionNames.Names), "--state-precision", s => s.Training.StatePrecision),
        new("Training:NonFinite", SettingKind.OneOf(NonFiniteHandling.Names), "--nonfinite", s => s.Training.NonFinite),
        new("Data:Folder", SettingKind.OptionalPath, "--data", s => s.Data.Folder),
        new("Data:LimitTrain", SettingKind.OptionalPositiveInteger, "--limit-train", s => s.Data.LimitTrain),
        new("Data:LimitTest", SettingKind.OptionalPositiveInteger, "--limit-test", s => s.Data.LimitTest),
        new("Data:MaxBytes", SettingKind.PositiveByteCount, "--max-data-bytes", s => s.Data.MaxBytes),
        new("Output:Folder", SettingKind.OptionalPath, "--out", s => s.Output.Folder),
        new("Output:TensorBoard", SettingKind.OptionalPath, "--tensorboard", s => s.Output.TensorBoard),
        new("Compare:Optimizers", SettingKind.ListOf(OptimizerRegistry.Names), "--optimizers", s => s.Compare.Optimizers),
        new("Schedule:Name", SettingKind.OneOf(ScheduleOptions.Names), "--schedule", s => s.Schedule.Name),
        new("Schedule:Gamma", SettingKind.OptionalFiniteNumber, "--gamma", s => s.Schedule.Gamma),
        new("Schedule:StepSize", SettingKind.OptionalNonNegativeInteger, "--step-size", s => s.Schedule.StepSize),
        new("Schedule:Warmup", SettingKind.OptionalNonNegativeInteger, "--warmup", s => s.Schedule.Warmup),
        new("Schedule:MinLr", SettingKind.OptionalFiniteNumber, "--min-lr", s => s.Schedule.MinLr),
        new("Schedule:PctStart", SettingKind.OptionalFiniteNumber, "--pct-start", s => s.Schedule.PctStart),
        new("Schedule:DivFactor", SettingKind.OptionalFiniteNumber, "--div-factor", s => s.Schedule.DivFactor),
        new("Schedule:FinalDivFactor", SettingKind.OptionalFiniteNumber, "--final-div-factor", s => s.Schedule.FinalDivFactor),
        new("Schedule:Factor", SettingKind.OptionalFiniteNumber, "--factor", s => s.Schedule.Factor),
        new("Schedule:Patience", SettingKind.OptionalNonNegativeInteger, "--patience", s => s.Schedule.Patience),
        new("Transforms:ClipGradNorm", SettingKind.OptionalFiniteNumber, "--clip-grad-norm", s => s.Transforms.ClipGradNorm),
        new("Transforms:ClipGradValue", SettingKind.OptionalFiniteNumber, "--clip-grad-value", s => s.Transforms.ClipGradValue),
        new("Transforms:MaskedWeightDecay", SettingKind.OptionalFiniteNumber, "--masked-weight-decay", s => s.Transforms.MaskedWeightDecay),
        new("Transforms:MaskedWeightDecayMode", SettingKind.OneOf([TransformSettings.Decoupled, TransformSettings.L2]), "--masked-weight-decay-mode", s => s.Transforms.MaskedWeightDecayMode),
        new("Transforms:Accumulate", SettingKind.PositiveInteger, "--accumulate", s => s.Transforms.Accumulate),
        new("Transforms:Lookahead", SettingKind.OptionalCount, "--lookahead", s => s.Transforms.Lookahead),
        new("Transforms:LookaheadAlpha", SettingKind.FiniteNumber, "--lookahead-alpha", s => s.Transforms.LookaheadAlpha),
        .. OptimizerRegistry.All.SelectMany(definition => definition.Settings.Select(name => new SettingKey(
            HyperparameterKey(definition.Name, name),
            HyperparameterFields.IsFlag(name) ? SettingKind.Boolean
                : HyperparameterFields.IsInteger(name) ? SettingKind.PositiveInteger
                : HyperparameterFields.IsOptional(definition.Name, name) ? SettingKind.OptionalFiniteNumber : SettingKind.FiniteNumber,
            Flag: null, // the hyperparameter flags set the chosen optimizer's keys; see SettingsLoader
            s => HyperparameterText.Values(s.Optimizers[definition.Name]).First(v => v.Name == name).Value))),
    ];

    public static ImmutableArray<string> Sections { get; } = [.. Keys.Select(k => k.Section.Split(':')[0]).Distinct()];

    public static string HyperparameterKey(string optimizer, string torchName) => $"Optimizers:{optimizer}:{torchName}";

    public static SettingKey? Find(string path) => Keys.FirstOrDefault(k => string.Equals(k.Path, path, StringComparison.OrdinalIgnoreCase));

    /// <summary>The keys allowed where <paramref name="path"/> was found, for an error message: its section's keys, or the sections.</summary>
    public static string AllowedNear(string path)
    {
        string[] parts = path.Split(':');
        for (int depth = parts.Length - 1; depth >= 1; depth--)
        {
            string parent = string.Join(':', parts[..depth]);
            var children = Keys.Where(k => k.Path.StartsWith(parent + ":", StringComparison.OrdinalIgnoreCase))
                               .Select(k => k.Path.Split(':')[depth]).Distinct().ToArray();
            if (children.Length > 0) return $"allowed in {ProperCase(parent, depth)}: {string.Join(", ", children)}";
        }
        return $"allowed sections: {string.Join(", ", Sections)}";
    }

    /// <summary>The schema's spelling of a section the user may have typed in another case.</summary>
    private static string ProperCase(string parent, int depth) =>
        string.Join(':', Keys.First(k => k.Path.StartsWith(parent + ":", StringComparison.OrdinalIgnoreCase)).Path.Split(':')[..depth]);
}

using System.Collections.Immutable;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Cli.Training;
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
        new("Data:Folder", SettingKind.OptionalPath, "--data", s => s.Data.Folder),
        new("Data:LimitTrain", SettingKind.OptionalPositiveInteger, "--limit-train", s => s.Data.LimitTrain),
        new("Data:LimitTest", SettingKind.OptionalPositiveInteger, "--limit-test", s => s.Data.LimitTest),
        new("Output:Folder", SettingKind.Path, "--out", s => s.Output.Folder),
        new("Output:TensorBoard", SettingKind.OptionalPath, "--tensorboard", s => s.Output.TensorBoard),
        new("Compare:Optimizers", SettingKind.ListOf(OptimizerRegistry.Names), "--optimizers", s => s.Compare.Optimizers),
        .. OptimizerRegistry.All.SelectMany(definition => definition.Settings.Select(name => new SettingKey(
            HyperparameterKey(definition.Name, name),
            HyperparameterFields.IsFlag(name) ? SettingKind.Boolean : SettingKind.FiniteNumber,
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

using System.Collections.Immutable;
using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.Problems;
using AdaptiveLR.Cli.Training.Models;
using AdaptiveLR.Pure;

namespace AdaptiveLR.Cli.Compare;

/// <summary>
/// Learning rates for the built-in problem (the seed's CNN on the embedded MNIST subset, batch size
/// 64) that <c>compare</c> uses in place of torch.optim's defaults when the configuration leaves an
/// optimizer's lr at its default: at torch's defaults SGD (1e-3, no momentum) learns too slowly and
/// RMSProp (1e-2) diverges on this CNN, and both end at chance. Where they come from: the lr each
/// algorithm's own <c>compare --tune-lr</c> chose (a 5-point grid around its lr-find suggestion, 1
/// epoch per point on a validation split of the training set, seed 1), measured for the README's
/// results table (2026-11-26: compare --tune-lr --seeds 1,2,3 --epochs 2), rounded to 3 digits.
/// </summary>
public static class TunedDefaults
{
    public const string Source = "tuned default";

    public static ImmutableDictionary<string, double> EmbeddedMnistCnn { get; } = new Dictionary<string, double>
    {
        ["sgd"] = 0.234,
        ["adagrad"] = 0.0173,
        ["rmsprop"] = 0.00223,
        ["adam"] = 0.00658,
        ["adamw"] = 0.00792,
        ["amsgrad"] = 0.00546,
        ["adadelta"] = 2.63,
        ["adamax"] = 0.00922,
        ["nadam"] = 0.00705,
        ["radam"] = 0.0351,
        ["lion"] = 0.00119,
        ["adabelief"] = 0.00453,
        ["yogi"] = 0.000821,
        ["adafactor"] = 0.1,
        // compare --optimizers lamb --tune-lr --seeds 1,2,3 --epochs 2 (2026-11-26): 0.0242, 94.05 ± 0.69% after 2 epochs.
        ["lamb"] = 0.0242,
        // compare --tune-lr --seeds 1 --epochs 2 (2026-11-26): ASGD 0.226, LARS 10 (the grid's edge). Rprop's lr only seeds
        // its step sizes, so lr-find's suggestion (1) and the grid around it mean nothing (all ~10%); torch's 0.01 stays,
        // the best of 1e-4, 1e-3, 1e-2 in 10-epoch runs (README, The algorithms).
        ["rprop"] = 0.01,
        ["asgd"] = 0.226,
        ["lars"] = 10,
        // Same procedure, 2026-11-26, warmup_steps 0 (compare --tune-lr --seeds 1,2,3 --epochs 2: 95.33 ± 0.25% and 95.17 ± 0.33%).
        ["schedulefree-adamw"] = 0.00821,
        ["schedulefree-sgd"] = 0.492,
        ["muon"] = 0.0423, // compare --optimizers muon --tune-lr (2026-11-26); the AdamW part scales with it
        // compare --optimizers adan,adopt,ademamix --tune-lr --seeds 1,2,3 --epochs 2 (2026-11-26), README.
        ["adan"] = 0.00635,
        ["adopt"] = 0.00546,
        ["ademamix"] = 0.00792,
    }.ToImmutableDictionary();

    /// <summary>Whether the settings run the built-in problem (any slice of it), for which the table holds.</summary>
    public static bool Apply(AdaptiveLRSettings settings) =>
        settings.Training.Problem == ProblemCatalog.Images && ProblemCatalog.ModelOf(settings.Training) == ModelCatalog.Cnn
        && settings.Data.Folder is null && settings.Training.BatchSize == 64;

    /// <summary>
    /// The tuned lr for <paramref name="optimizer"/> when the configuration leaves its lr at the
    /// registry's default (set by no file, variable or flag that changed it); null otherwise.
    /// </summary>
    public static double? For(string optimizer, AdaptiveLRSettings settings, IEnumerable<SettingValue> sources)
    {
        if (!Apply(settings) || !EmbeddedMnistCnn.TryGetValue(optimizer, out double tuned)) return null;
        double configured = settings.Optimizers[optimizer].Lr;
        double registryDefault = OptimizerRegistry.Find(optimizer)!.Defaults.Lr;
        string key = SettingSchema.HyperparameterKey(optimizer, "lr");
        string source = sources.FirstOrDefault(v => string.Equals(v.Key, key, StringComparison.OrdinalIgnoreCase))?.Source ?? "default";
        bool leftAtDefault = configured == registryDefault && source is "default" or SettingsLoader.AppSettingsFileName;
        return leftAtDefault ? tuned : null;
    }
}

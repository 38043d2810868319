using System.Reflection;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.Configuration;

/// <summary>
/// The properties of <see cref="HyperparameterSettings"/> by torch.optim name (<c>weight_decay</c> is
/// <c>WeightDecay</c>), so that configuration keys follow the record as algorithms are added.
/// </summary>
public static class HyperparameterFields
{
    private static readonly Dictionary<string, PropertyInfo> ByTorchName =
        typeof(HyperparameterSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => TorchName(p.Name), StringComparer.OrdinalIgnoreCase);

    public static bool IsFlag(string torchName) => ByTorchName[torchName].PropertyType == typeof(bool?);

    /// <summary>Whether the algorithms keep the setting as an optional number (null: their own rule, e.g. Prodigy's beta3 = √beta2).</summary>
    public static bool IsOptional(string optimizer, string torchName) =>
        Pure.OptimizerRegistry.Find(optimizer)?.Defaults.GetType().GetProperties()
            .FirstOrDefault(p => string.Equals(TorchName(p.Name), torchName, StringComparison.Ordinal))?.PropertyType == typeof(double?);

    /// <summary>Whether the setting is a count (Muon's <c>ns_steps</c>) rather than a real number.</summary>
    public static bool IsInteger(string torchName) => ByTorchName[torchName].PropertyType == typeof(int?);

    public static object? Get(HyperparameterSettings settings, string torchName) => ByTorchName[torchName].GetValue(settings);

    /// <summary>Settings with the given values (numbers or flags as their text), the others unset.</summary>
    public static HyperparameterSettings From(IEnumerable<(string TorchName, string Text)> values)
    {
        var settings = new HyperparameterSettings();
        foreach (var (name, text) in values)
        {
            object value = IsFlag(name) ? bool.Parse(text)
                : IsInteger(name) ? (object)int.Parse(text, System.Globalization.CultureInfo.InvariantCulture)
                : double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            ByTorchName[name].SetValue(settings, value);
        }
        return settings;
    }

    private static string TorchName(string property) => property == "AmsGrad"
        ? "amsgrad"
        : string.Concat(property.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

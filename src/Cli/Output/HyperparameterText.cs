using System.Globalization;
using System.Reflection;
using System.Text;
using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.Output;

/// <summary>Hyperparameter records as people and programs read them: torch.optim names and values.</summary>
public static class HyperparameterText
{
    /// <summary>
    /// Each hyperparameter's torch.optim name (snake_case of the record property) and value; an optional number
    /// (<c>double?</c>: Prodigy's beta3, growth_rate) is null where the algorithm's own rule applies. A value the
    /// algorithm only has to satisfy the record's shape (Rprop's weight decay, always 0) and does not take as a setting is left out.
    /// </summary>
    public static IEnumerable<(string Name, object? Value)> Values(Hyperparameters hyperparameters)
    {
        var settings = OptimizerRegistry.Find(hyperparameters.Algorithm)?.Settings;
        return hyperparameters.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.DeclaringType == hyperparameters.GetType() && IsSetting(p.PropertyType) && !DescribesTheAlgorithm(p))
            .Select(p => (Name: SnakeCase(p.Name), Value: p.GetValue(hyperparameters)))
            .Where(v => settings is not { } names || names.Contains(v.Name));
    }

    /// <summary>
    /// An override of a property every algorithm has with a default (<c>LearningRateFree</c>, <c>HasEvaluationView</c>):
    /// a fact about the algorithm, not a value a user sets. The abstract ones (lr, weight_decay) are hyperparameters.
    /// </summary>
    private static bool DescribesTheAlgorithm(PropertyInfo property) =>
        property.GetMethod?.GetBaseDefinition() is { IsAbstract: false } definition && definition.DeclaringType != property.DeclaringType;

    /// <summary>Whether a property of this type is a hyperparameter: a number, an optional number, a count (Muon's ns_steps) or a flag.</summary>
    public static bool IsSetting(Type type) => type == typeof(double) || type == typeof(double?) || type == typeof(int) || type == typeof(bool);

    /// <summary>"adam(lr=0.001, beta1=0.9, …)".</summary>
    public static string Describe(Hyperparameters hyperparameters) =>
        $"{hyperparameters.Algorithm}({string.Join(", ", Values(hyperparameters).Select(v => $"{v.Name}={Format(v.Value)}"))})";

    public static string Format(object? value) => value switch
    {
        null => "null",
        double d => NumberText.Exact(d),
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "null",
    };

    private static string SnakeCase(string name)
    {
        if (name == "AmsGrad") return "amsgrad";
        var text = new StringBuilder();
        foreach (char c in name)
        {
            if (char.IsUpper(c) && text.Length > 0) text.Append('_');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}

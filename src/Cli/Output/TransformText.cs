using System.Globalization;
using AdaptiveLR.Pure.Schedules;
using AdaptiveLR.Pure.Transforms;

namespace AdaptiveLR.Cli.Output;

/// <summary>Gradient transformations and schedules as people read them: "clip_grad_norm=1", "cosine(lr=0.001, steps=320, min_lr=0)".</summary>
public static class TransformText
{
    public static string Describe(GradientTransform transform) => transform switch
    {
        AccumulateGradients a => $"accumulate={a.Steps}",
        ClipByValue c => $"clip_grad_value={Number(c.Limit)}",
        ClipByGlobalNorm n => $"clip_grad_norm={Number(n.MaxNorm)}",
        MaskedWeightDecay d => $"{d.Name}={Number(d.Rate)}",
        Lookahead l => $"lookahead={l.SyncPeriod}(alpha={Number(l.Alpha)})",
        _ => transform.Name,
    };

    /// <summary>A schedule (or reduce-on-plateau) with every parameter, for the run's identity and its printout.</summary>
    public static string Describe(object schedule)
    {
        string name = schedule is Pure.Schedules.Schedule s ? s.Name : "plateau";
        var values = schedule.GetType().GetProperties()
            .Where(p => p.Name is not ("Name" or "EqualityContract") && p.GetIndexParameters().Length == 0 && p.PropertyType != typeof(PlateauState))
            .Select(p => $"{Snake(p.Name)}={Value(p.GetValue(schedule))}");
        return $"{name}({string.Join(", ", values)})";
    }

    private static string Value(object? value) => value switch
    {
        double d => Number(d),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "null",
    };

    private static string Number(double value) => NumberText.Exact(value);

    private static string Snake(string property) =>
        string.Concat(property.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

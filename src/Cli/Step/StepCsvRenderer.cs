using System.Collections.Immutable;
using System.Globalization;

namespace AdaptiveLR.Cli.Step;

/// <summary>
/// The trajectory as CSV: a column per coordinate (<c>x</c>, or <c>x[0]</c>, <c>x[1]</c>, … for a vector)
/// of x, grad, each state quantity, update and effective_lr; numbers round-trip exactly.
/// </summary>
public static class StepCsvRenderer
{
    public static void Write(Trajectory trajectory, TextWriter output)
    {
        int size = trajectory.X0.Length;
        bool hasLoss = trajectory.Rows.Any(r => r.Loss.HasValue);
        string[] groups = ["x", "grad", .. trajectory.QuantityNames, "update", "effective_lr"];
        var header = new List<string> { "step", "lr" };
        header.AddRange(groups.SelectMany(g => Columns(g, size)));
        if (hasLoss) header.Add("loss");
        output.WriteLine(string.Join(',', header));

        foreach (var row in trajectory.Rows)
        {
            var cells = new List<string> { row.Step.ToString(CultureInfo.InvariantCulture), Number(row.LearningRate) };
            ImmutableArray<double>[] values = [row.X, row.Gradient, .. trajectory.QuantityNames.Select(n => row.State[n]), row.Update, row.EffectiveLearningRate];
            cells.AddRange(values.SelectMany(v => v.Select(Number)));
            if (row.Loss is double loss) cells.Add(Number(loss));
            output.WriteLine(string.Join(',', cells));
        }
    }

    private static IEnumerable<string> Columns(string name, int size) =>
        size == 1 ? [name] : Enumerable.Range(0, size).Select(i => $"{name}[{i}]");

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

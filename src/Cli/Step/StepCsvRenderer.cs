using System.Collections.Immutable;
using System.Globalization;

namespace AdaptiveLR.Cli.Step;

/// <summary>
/// The trajectory as CSV: a column per coordinate (<c>x</c>, or <c>x[0]</c>, <c>x[1]</c>, … for a vector)
/// of x, grad, each state quantity, update and effective_lr; numbers round-trip exactly.
/// </summary>
public static class StepCsvRenderer
{
    /// <summary>
    /// One trajectory, or several from the same start with an <c>optimizer</c> column first and the
    /// state quantities of all of them (empty where an optimizer has no such quantity).
    /// </summary>
    public static void Write(IReadOnlyList<Trajectory> trajectories, TextWriter output)
    {
        string[] names = [.. trajectories.SelectMany(t => t.QuantityNames).Distinct()];
        bool several = trajectories.Count > 1;
        int size = trajectories[0].X0.Length;
        bool hasLoss = trajectories[0].HasLoss;
        string[] groups = ["x", "grad", .. names, "update", "effective_lr"];
        var header = new List<string>(several ? ["optimizer"] : []) { "step", "lr" };
        header.AddRange(groups.SelectMany(g => Columns(g, size)));
        if (hasLoss) header.Add("loss");
        output.WriteLine(string.Join(',', header));
        foreach (var trajectory in trajectories) WriteRows(trajectory, names, several, output);
    }

    private static void WriteRows(Trajectory trajectory, string[] names, bool withOptimizer, TextWriter output)
    {
        foreach (var row in trajectory.Rows())
        {
            var cells = new List<string>(withOptimizer ? [trajectory.Hyperparameters.Algorithm] : []) { row.Step.ToString(CultureInfo.InvariantCulture), Number(row.LearningRate) };
            var size = row.X.Length;
            IEnumerable<string> Cells(ImmutableArray<double> values) => values.Select(Number);
            IEnumerable<string> State(string name) =>
                trajectory.QuantityNames.Contains(name) ? Cells(row.State[name]) : Enumerable.Repeat("", size);
            cells.AddRange([.. Cells(row.X), .. Cells(row.Gradient), .. names.SelectMany(State), .. Cells(row.Update), .. Cells(row.EffectiveLearningRate)]);
            if (row.Loss is double loss) cells.Add(Number(loss));
            output.WriteLine(string.Join(',', cells));
        }
    }

    private static IEnumerable<string> Columns(string name, int size) =>
        size == 1 ? [name] : Enumerable.Range(0, size).Select(i => $"{name}[{i}]");

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

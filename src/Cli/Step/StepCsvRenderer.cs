using System.Collections.Immutable;
using System.Globalization;

namespace AdaptiveLR.Cli.Step;

/// <summary>
/// The trajectory as CSV: a column per coordinate (<c>x</c>, or <c>x[0]</c>, <c>x[1]</c>, … for a vector)
/// of x, grad, each state quantity (a sampled one only at the coordinates it holds), a column per scalar of a
/// staged algorithm (Prodigy's d, …), update and effective_lr; numbers round-trip exactly.
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
        string[] scalars = [.. trajectories.SelectMany(t => t.ScalarNames).Distinct()];
        bool several = trajectories.Count > 1;
        int size = trajectories[0].X0.Length;
        bool hasLoss = trajectories[0].HasLoss;
        var all = Enumerable.Range(0, size).ToImmutableArray();
        // A sampled quantity (Prodigy's s with slice_p) holds only some coordinates; the first trajectory that has it says which.
        var coordinates = names.ToDictionary(n => n, n => trajectories.First(t => t.QuantityNames.Contains(n)).Coordinates(n));
        var header = new List<string>(several ? ["optimizer"] : []) { "step", "lr" };
        header.AddRange([.. Columns("x", all, size), .. Columns("grad", all, size), .. names.SelectMany(n => Columns(n, coordinates[n], size)),
                         .. scalars, .. Columns("update", all, size), .. Columns("effective_lr", all, size)]);
        if (hasLoss) header.Add("loss");
        output.WriteLine(string.Join(',', header));
        foreach (var trajectory in trajectories) WriteRows(trajectory, names, coordinates, scalars, several, output);
    }

    private static void WriteRows(Trajectory trajectory, string[] names, Dictionary<string, ImmutableArray<int>> coordinates, string[] scalars,
                                  bool withOptimizer, TextWriter output)
    {
        foreach (var row in trajectory.Rows())
        {
            var cells = new List<string>(withOptimizer ? [trajectory.Hyperparameters.Algorithm] : []) { row.Step.ToString(CultureInfo.InvariantCulture), Number(row.LearningRate) };
            IEnumerable<string> Cells(ImmutableArray<double> values) => values.Select(Number);
            IEnumerable<string> State(string name) =>
                trajectory.QuantityNames.Contains(name) ? Cells(row.State[name]) : Enumerable.Repeat("", coordinates[name].Length);
            string Scalar(string name) => row.Scalars.FirstOrDefault(s => s.Name == name) is { Name: not null } found ? Number(found.Value) : "";
            cells.AddRange([.. Cells(row.X), .. Cells(row.Gradient), .. names.SelectMany(State), .. scalars.Select(Scalar),
                            .. Cells(row.Update), .. Cells(row.EffectiveLearningRate)]);
            if (row.Loss is double loss) cells.Add(Number(loss));
            output.WriteLine(string.Join(',', cells));
        }
    }

    private static IEnumerable<string> Columns(string name, ImmutableArray<int> coordinates, int size) =>
        size == 1 ? [name] : coordinates.Select(i => $"{name}[{i}]");

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

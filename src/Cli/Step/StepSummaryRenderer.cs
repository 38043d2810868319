using System.Globalization;
using AdaptiveLR.Cli.Messages;
using AdaptiveLR.Cli.Output;

namespace AdaptiveLR.Cli.Step;

/// <summary>Several optimizers from the same start, one line each: where each ended and how close to the minimum.</summary>
public static class StepSummaryRenderer
{
    public static void Write(IReadOnlyList<Trajectory> trajectories, TextWriter output)
    {
        var source = trajectories[0].Source;
        var function = source as TestFunction;
        output.WriteLine($"{Counted.Of(trajectories[0].Steps, "step")} on {source.Description} from {Vector(trajectories[0].X0)}");
        string[] header = ["optimizer", "final x", .. function is null ? Array.Empty<string>() : ["f(x)", "distance to minimum"], "hyperparameters"];
        var rows = new List<string[]> { header };
        foreach (var trajectory in trajectories)
        {
            var last = trajectory.Rows().Last();
            rows.Add([
                trajectory.Hyperparameters.Algorithm, Vector(last.X),
                .. function is null ? Array.Empty<string>() : [Number(last.Loss ?? double.NaN), Number(Distance(last.X, function))],
                HyperparameterText.Describe(trajectory.Hyperparameters),
            ]);
        }
        int[] widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var (row, index) in rows.Select((r, i) => (r, i)))
        {
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c == 0 || c == row.Length - 1 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
            if (index == 0) output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
    }

    private static double Distance(System.Collections.Immutable.ImmutableArray<double> x, TestFunction function) =>
        x.Length == 2 || function is Quadratic
            ? Math.Sqrt(x.Select((xi, i) => Math.Pow(xi - (function is Quadratic ? 0 : function.Minimum[i]), 2)).Sum())
            : double.NaN;

    private static string Vector(System.Collections.Immutable.ImmutableArray<double> values) =>
        values.Length == 1 ? Number(values[0]) : $"[{string.Join(", ", values.Select(Number))}]";

    private static string Number(double value) => NumberText.Short(value);
}

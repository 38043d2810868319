using System.Collections.Immutable;
using System.Globalization;
using AdaptiveLR.Cli.Output;

namespace AdaptiveLR.Cli.Step;

/// <summary>
/// The trajectory as an aligned text table for people: a row per step, step 0 is x0. Columns are as wide
/// as their widest cell among the first <see cref="AlignedRows"/> rows; later rows stream with those
/// widths, so a long run prints as it goes in constant memory.
/// </summary>
public static class StepTableRenderer
{
    public const int AlignedRows = 10_000;

    public static void Write(Trajectory trajectory, TextWriter output)
    {
        var names = trajectory.QuantityNames;
        var scalars = trajectory.ScalarNames;
        bool hasLoss = trajectory.HasLoss;
        string[] header = ["step", "x", .. Optional(hasLoss, "f(x)"), "grad", .. names, .. scalars, "update", "effective_lr"];
        var rows = new List<string[]> { header };
        rows.Add(["0", Cell(trajectory.X0), .. Optional(hasLoss, Number(trajectory.Source.Loss(trajectory.X0) ?? 0)),
                  "", .. names.Select(_ => ""), .. scalars.Select(_ => ""), "", ""]);
        using var steps = trajectory.Rows().GetEnumerator();
        string[] Cells(StepRow row) =>
            [
                row.Step.ToString(CultureInfo.InvariantCulture), Cell(row.X), .. Optional(hasLoss, Number(row.Loss ?? 0)),
                Cell(row.Gradient), .. names.Select(n => Cell(row.State[n])), .. row.Scalars.Select(s => Number(s.Value)),
                Cell(row.Update), Cell(row.EffectiveLearningRate),
            ];
        while (rows.Count <= AlignedRows && steps.MoveNext()) rows.Add(Cells(steps.Current));

        output.WriteLine($"{HyperparameterText.Describe(trajectory.Hyperparameters)} on {trajectory.Source.Description}");
        if (trajectory.Hyperparameters is Pure.Algorithms.MuonHyperparameters)
            output.WriteLine("x is a vector, which Muon steps with its AdamW part (adam_*); matrices take the Newton-Schulz step (adaptivelr optimizers muon)");
        int[] widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        string Line(string[] row) => string.Join("  ", row.Select((cell, c) => cell.PadLeft(widths[c]))).TrimEnd();
        foreach (var (row, index) in rows.Select((r, i) => (r, i)))
        {
            output.WriteLine(Line(row));
            if (index == 0) output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        while (steps.MoveNext()) output.WriteLine(Line(Cells(steps.Current)));
    }

    private static string[] Optional(bool present, string cell) => present ? [cell] : [];

    private static string Cell(ImmutableArray<double> values) =>
        values.Length == 1 ? Number(values[0]) : $"[{string.Join(", ", values.Select(Number))}]";

    private static string Number(double value) => NumberText.Short(value);
}

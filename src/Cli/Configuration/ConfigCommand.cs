using System.CommandLine;
using AdaptiveLR.Cli.Options;

namespace AdaptiveLR.Cli.Configuration;

/// <summary>
/// <c>adaptivelr config</c>: the effective configuration — every key, its value and the layer it came
/// from — for the same flags <c>train</c> and <c>compare</c> take.
/// </summary>
public static class ConfigCommand
{
    public static Command Create(TextWriter output)
    {
        var options = new TrainingOptions(new HyperparameterOptions(), withOptimizerList: true);
        var command = new Command("config", "Print the effective configuration and where each value came from (default < appsettings.json < --config < ADAPTIVELR__ variables < flags).");
        options.AddTo(command);
        command.SetAction(parsed =>
        {
            var effective = options.Load(parsed);
            string[] header = ["key", "value", "source"];
            var rows = effective.Values.Select(v => new[] { v.Key, v.Value, v.Source }).Prepend(header).ToList();
            int[] widths = [.. Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length))];
            foreach (var (row, index) in rows.Select((r, i) => (r, i)))
            {
                output.WriteLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
                if (index == 0) output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
            }
            return CliApp.Success;
        });
        return command;
    }
}

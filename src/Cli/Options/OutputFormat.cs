using System.CommandLine;

namespace AdaptiveLR.Cli.Options;

/// <summary><c>--format</c>: table for people, JSON Lines and CSV for programs.</summary>
public static class OutputFormat
{
    public const string Table = "table", Json = "json", Csv = "csv";

    public static Option<string> Option(params string[] allowed)
    {
        string[] formats = allowed.Length > 0 ? allowed : [Table, Json, Csv];
        var option = new Option<string>("--format")
        {
            Description = $"Output format: {string.Join(", ", formats)}",
            DefaultValueFactory = _ => Table,
        };
        option.Validators.Add(result =>
        {
            string value = result.GetValueOrDefault<string>();
            if (!formats.Contains(value)) result.AddError($"--format: unknown format '{value}'{Messages.NearestNames.Hint(value, formats)}; allowed: {string.Join(", ", formats)}");
        });
        return option;
    }
}

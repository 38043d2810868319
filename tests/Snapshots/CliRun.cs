using AdaptiveLR.Cli;

namespace AdaptiveLR.Snapshots;

/// <summary>Runs the CLI in-process and captures what a user would see.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        int exitCode = CliApp.Run(args, output, error);
        return new CliRun(exitCode, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    /// <summary>Space-separated arguments, where '|' stands for an empty one (which a one-line theory name cannot show).</summary>
    public static string[] Arguments(string arguments) => [.. arguments.Split(' ').Select(a => a == "|" ? "" : a)];

    /// <summary>What every input a user can get wrong must give: exit code 2, no output, one line on stderr, no stack trace.</summary>
    public void AssertUsageError()
    {
        Xunit.Assert.Equal(2, ExitCode);
        Xunit.Assert.Equal("", Output);
        string[] lines = Error.TrimEnd('\n').Split('\n');
        Xunit.Assert.Single(lines);
        Xunit.Assert.StartsWith("adaptivelr: ", lines[0]);
        Xunit.Assert.DoesNotContain("   at ", Error);
    }
}

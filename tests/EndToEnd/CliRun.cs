using AdaptiveLR.Cli;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>Runs the CLI in-process and captures what a user would see.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        int exitCode = CliApp.Run(args, output, error);
        return new CliRun(exitCode, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    public CliRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}: {Error}");
        Assert.Equal("", Error);
        return this;
    }

    /// <summary>Asserts the user-error contract: exit code 2, nothing on stdout, one line on stderr, no stack trace; returns that line.</summary>
    public string FailedWithUsageError()
    {
        Assert.True(ExitCode == 2, $"exit code {ExitCode}: {Error}{Output}");
        string[] lines = Error.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("adaptivelr: ", lines[0]);
        Assert.DoesNotContain("   at ", Error);
        return lines[0];
    }
}

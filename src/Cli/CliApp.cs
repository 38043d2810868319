using System.CommandLine;
using System.CommandLine.Help;
using AdaptiveLR.Cli.Bench;
using AdaptiveLR.Cli.Schedule;
using AdaptiveLR.Cli.Optimizers;
using AdaptiveLR.Cli.Compare;
using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.LrFind;
using AdaptiveLR.Cli.Messages;
using AdaptiveLR.Cli.Step;
using AdaptiveLR.Cli.Train;

namespace AdaptiveLR.Cli;

/// <summary>
/// The <c>adaptivelr</c> command line: parses, dispatches to one command, and turns every failure
/// into one line on stderr — exit code 2 for input the user got wrong, 1 for anything else.
/// </summary>
public static class CliApp
{
    public const int Success = 0, RuntimeFailure = 1, UsageError = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        // A named Command rather than RootCommand, whose name would be the host's (testhost, dotnet).
        var root = new Command("adaptivelr", "Adaptive learning-rate optimizers (Adagrad, RMSProp, Adam, AdamW, AMSGrad, …) on TorchSharp: inspect every step, train and compare.")
        {
            new HelpOption(),
            new VersionOption(),
            StepCommand.Create(output, error),
            TrainCommand.Create(output),
            CompareCommand.Create(output),
            LrFindCommand.Create(output),
            ConfigCommand.Create(output),
            BenchCommand.Create(output),
            ScheduleCommand.Create(output, error),
            OptimizersCommand.Create(output),
        };
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"adaptivelr: {MessageText.Escape(ParseErrorMessage.Of(parsed))}");
            return UsageError;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            error.WriteLine($"adaptivelr: {MessageText.Escape(e.Message)}");
            return UsageError;
        }
        catch (Runs.RunInterruptedException e)
        {
            error.WriteLine($"adaptivelr: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e)
        {
            // A failure of ours or of the native library: one line, the first of its message; the full trace on request.
            string firstLine = e.Message.Split('\n', 2)[0].TrimEnd();
            error.WriteLine(Environment.GetEnvironmentVariable("ADAPTIVELR_VERBOSE") == "1" ? $"adaptivelr: {e}" : $"adaptivelr: {MessageText.Escape(firstLine)}");
            return RuntimeFailure;
        }
    }
}

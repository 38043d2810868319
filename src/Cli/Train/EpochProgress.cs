using Spectre.Console;

namespace AdaptiveLR.Cli.Train;

/// <summary>
/// A progress bar for one epoch on a terminal (Spectre.Console); nothing when the output is
/// redirected or captured (tests, pipes), so that the printed output stays deterministic.
/// </summary>
public sealed class EpochProgress(bool interactive)
{
    /// <summary>True when <paramref name="output"/> is the process's stdout and that is a terminal.</summary>
    public static bool IsInteractive(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>Runs <paramref name="work"/>, which calls the given action once per batch.</summary>
    public T Run<T>(string description, int batches, Func<Action, T> work)
    {
        if (!interactive) return work(() => { });
        return AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(description, maxValue: batches);
                return work(() => task.Increment(1));
            });
    }
}

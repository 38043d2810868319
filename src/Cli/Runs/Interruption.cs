using System.Runtime.InteropServices;

namespace AdaptiveLR.Cli.Runs;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM while a run trains: the signal only sets a flag, and the run stops at
/// the next batch boundary or after the checkpoint being written, so that what is on disk is always
/// whole; the command then says which epoch's checkpoint it is and exits with 128 + the signal's
/// number (130, 143), as shells and process managers expect.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly PosixSignalRegistration[] registrations;
    private volatile string? signal;

    public Interruption()
    {
        registrations = OperatingSystem.IsWindows()
            ? [PosixSignalRegistration.Create(PosixSignal.SIGINT, Request)]
            : [PosixSignalRegistration.Create(PosixSignal.SIGINT, Request), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Request)];
    }

    private void Request(PosixSignalContext context)
    {
        context.Cancel = true;
        signal ??= context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
    }

    /// <summary>Stops the run (<see cref="RunInterruptedException"/>) if a signal came; <paramref name="describe"/> says what is on disk and how to continue.</summary>
    public void ThrowIfRequested(Func<string, string> describe)
    {
        if (signal is { } name) throw new RunInterruptedException(describe(name), name == "SIGTERM" ? 143 : 130);
    }

    public void Dispose()
    {
        foreach (var registration in registrations) registration.Dispose();
    }
}

/// <summary>A run stopped by a signal: one line for stderr and the exit code (130 SIGINT, 143 SIGTERM).</summary>
public sealed class RunInterruptedException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

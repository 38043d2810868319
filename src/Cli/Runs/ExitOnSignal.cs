using System.Runtime.InteropServices;

namespace AdaptiveLR.Cli.Runs;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM during a command that keeps nothing to resume from (<c>compare</c>):
/// one line on stderr saying what is kept, then exit with 128 + the signal's number (130, 143) at
/// once. Its files are written atomically, so whatever is on disk is whole; a temporary file cut
/// short is removed by the next run in that folder.
/// </summary>
public sealed class ExitOnSignal : IDisposable
{
    private readonly PosixSignalRegistration[] registrations;
    private readonly Func<string, string> describe;
    private readonly TextWriter error;

    public ExitOnSignal(Func<string, string> describe, TextWriter error)
    {
        (this.describe, this.error) = (describe, error);
        registrations = OperatingSystem.IsWindows()
            ? [PosixSignalRegistration.Create(PosixSignal.SIGINT, Exit)]
            : [PosixSignalRegistration.Create(PosixSignal.SIGINT, Exit), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Exit)];
    }

    private void Exit(PosixSignalContext context)
    {
        context.Cancel = true;
        bool terminated = context.Signal == PosixSignal.SIGTERM;
        error.WriteLine($"adaptivelr: {describe(terminated ? "SIGTERM" : "SIGINT")}");
        error.Flush();
        int code = terminated ? 143 : 130;
        // Not Environment.Exit: its shutdown runs LibTorch's destructors while the training thread is
        // still inside LibTorch, which crashes (exit 139). The files are written atomically, so ending
        // the process at once loses nothing that was whole.
        if (OperatingSystem.IsWindows()) Environment.Exit(code);
        ExitImmediately(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitImmediately(int code);

    public void Dispose()
    {
        foreach (var registration in registrations) registration.Dispose();
    }
}

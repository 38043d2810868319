using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// The built tool (adaptivelr.dll beside the tests) as a child process in its own process group
/// (started through <c>setsid</c>), so that a signal reaches exactly it and <see cref="Dispose"/> can
/// end it with everything it started, whatever the test's outcome. SIGINT is reset to its default
/// (<c>env --default-signal</c>) as in a terminal's foreground job: tests started as a background job of
/// a shell without job control inherit it ignored, and .NET then rightly leaves it ignored. Waits are bounded by progress —
/// the child ends, or a condition on its files holds — never by a fixed time.
/// </summary>
public sealed class SignalledTool : IDisposable
{
    public const int SigInt = 2, SigKill = 9, SigTerm = 15;

    private readonly Process process;
    private readonly StringBuilder output = new(), error = new();

    public SignalledTool(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (string arg in (string[])["env", "--default-signal=INT", "dotnet"]) info.ArgumentList.Add(arg);
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "adaptivelr.dll"));
        foreach (string arg in args) info.ArgumentList.Add(arg);
        process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (error) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>setsid and env exec in place (the child is no group leader), so the process id is the group id.</summary>
    public int Id => process.Id;

    public string Output { get { lock (output) return output.ToString(); } }

    public string Error { get { lock (error) return error.ToString(); } }

    /// <summary>Waits until <paramref name="condition"/> holds; fails if the child ends first.</summary>
    public void WaitUntil(Func<bool> condition, string what)
    {
        while (!condition())
        {
            if (process.WaitForExit(50) && !condition()) Assert.Fail($"the tool ended (exit code {process.ExitCode}) before {what}: {Error}");
        }
    }

    /// <summary>The exit code, once the child has ended.</summary>
    public int WaitForExit()
    {
        process.WaitForExit();
        return process.ExitCode;
    }

    public void Signal(int signal) => Assert.Equal(0, kill(process.Id, signal));

    public void Dispose()
    {
        // The whole group, even after the child ended: nothing it started may outlive the test.
        kill(-process.Id, SigKill);
        process.WaitForExit();
        process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}

using System.Diagnostics;

namespace AdaptiveLR.EndToEnd;

/// <summary>The built tool (adaptivelr.dll beside the tests) as a child process, with environment variables of its own: what the JIT and the runtime read at start.</summary>
public static class ToolEnvironment
{
    /// <summary>
    /// What a machine without AVX2 sees, on this one: .NET 10 reads <c>DOTNET_EnableAVX2=0</c> as "no AVX2 and no AVX-512"
    /// (<c>DOTNET_EnableAVX512F</c>, the knob of earlier versions, is ignored), so Vector512 and Vector256 are not accelerated,
    /// Vector128 is (SSE4.2) and <c>Vector&lt;float&gt;</c> is 4 wide. On ARM64 the variable is unknown and the vectors are 128-bit anyway.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Without256BitVectors = new Dictionary<string, string> { ["DOTNET_EnableAVX2"] = "0" };

    /// <summary>Runs the tool to its end in <paramref name="workingDirectory"/>; returns its exit code, output and error output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "adaptivelr.dll"));
        foreach (string arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, error);
    }
}

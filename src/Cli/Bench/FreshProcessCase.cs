using System.Diagnostics;
using System.Reflection;
using AdaptiveLR.Torch.Benchmarking;

namespace AdaptiveLR.Cli.Bench;

/// <summary>
/// Runs one benchmark case in a fresh process of this program (<c>bench … --in-process --format json</c>):
/// no case inherits another's heap, JIT state or caches, and a throttled stretch of the VM costs one
/// case, not every case after it.
/// </summary>
public static class FreshProcessCase
{
    public static BenchmarkResult Run(string optimizer, long parameters, string layout, int repeats, bool oneCore, int torchThreads, string clock, string statePrecision)
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("bench: cannot find this program to start a fresh process; use --in-process");
        info.FileName = host;
        // Under `dotnet adaptivelr.dll` the process is the dotnet host: the program is its first argument.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (string argument in new[] { "bench", "--optimizers", optimizer, "--sizes", parameters.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                            "--layout", layout, "--repeats", repeats.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "json", "--clock", clock, "--state-precision", statePrecision, "--in-process" })
            info.ArgumentList.Add(argument);
        if (oneCore) info.ArgumentList.Add("--one-core");
        if (torchThreads > 0)
        {
            info.ArgumentList.Add("--torch-threads");
            info.ArgumentList.Add(torchThreads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var child = Process.Start(info) ?? throw new InvalidOperationException("bench: could not start a fresh process; use --in-process");
        var error = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string line = output.Split('\n').LastOrDefault(l => l.StartsWith('{')) ?? "";
        if (child.ExitCode != 0 || line.Length == 0)
            throw new InvalidOperationException($"bench: the process for {optimizer} {parameters} {layout} failed (exit {child.ExitCode}): {error.Result.Split('\n')[0]}");
        return BenchmarkJson.Read(line);
    }
}

using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AdaptiveLR.Cli;

// Every algorithm of the registry at 1M and 10M float32 parameters, one tensor and a model-like list
// of 50 tensors, ours against TorchSharp's built-in, each case in a fresh process of this program;
// the table goes to benchmarks/results/. `bench …` arguments run the CLI's bench command (what
// each fresh process is asked to do).
if (args is ["bench", ..]) return CliApp.Run(args, Console.Out, Console.Error);

// Arguments: [OUTPUT.md] [more bench options, e.g. --torch-threads 1 --repeats 12].
bool hasOutput = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal);
string output = hasOutput ? args[0] : Path.Combine(FindRepositoryRoot(), "benchmarks", "results", "step-benchmark.md");
var table = new StringWriter();
var progress = new TeeWriter(table, Console.Out);
int exit = CliApp.Run(["bench", "--sizes", "1M,10M", "--layout", "both", "--format", "json", .. args.Skip(hasOutput ? 1 : 0)], progress, Console.Error);
if (exit != 0) return exit;
var results = table.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(AdaptiveLR.Cli.Bench.BenchmarkJson.Read);

string options = string.Join(' ', args.Skip(hasOutput ? 1 : 0));
string load = File.Exists("/proc/loadavg") ? $", load average at the end {File.ReadAllText("/proc/loadavg").Split(' ')[1]} (5 min)" : "";
string machine = $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, " +
                 $"AVX-512 {(Vector512.IsHardwareAccelerated ? "on" : "off")}, .NET {Environment.Version}{load}{(options.Length > 0 ? $"; bench options: `{options}`" : "")}.";
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
string temporary = output + ".tmp";
File.WriteAllText(temporary, AdaptiveLR.Torch.Benchmarking.BenchmarkReport.Markdown(results, machine));
File.Move(temporary, output, overwrite: true);
Console.WriteLine($"wrote {output}");
return 0;

static string FindRepositoryRoot()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        if (File.Exists(Path.Combine(folder.FullName, "AdaptiveLR.sln"))) return folder.FullName;
    return Directory.GetCurrentDirectory();
}

/// <summary>Writes to two writers: the JSON lines are kept for the table and shown as they come.</summary>
internal sealed class TeeWriter(TextWriter first, TextWriter second) : TextWriter
{
    public override System.Text.Encoding Encoding => first.Encoding;

    public override void Write(char value)
    {
        first.Write(value);
        second.Write(value);
    }

    public override void WriteLine(string? value)
    {
        first.WriteLine(value);
        second.WriteLine(value);
    }
}

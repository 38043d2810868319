using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AdaptiveLR.Pure;
using AdaptiveLR.Torch.Benchmarking;

// Every algorithm of the registry at 1M and 10M float32 parameters, one tensor and a model-like
// list of 50 tensors, ours against TorchSharp's built-in; the table goes to benchmarks/results/.
string output = args.Length > 0 ? args[0] : Path.Combine(FindRepositoryRoot(), "benchmarks", "results", "step-benchmark.md");
var results = new List<BenchmarkResult>();
foreach (long size in new[] { 1_000_000L, 10_000_000L })
    foreach (string layout in BenchmarkLayout.All)
        foreach (var definition in OptimizerRegistry.All)
        {
            var result = StepBenchmark.Run(StepBenchmark.Configuration(definition.Defaults), size, layout);
            results.Add(result);
            Console.WriteLine($"{result.Optimizer,-8} {BenchmarkReport.Count(size),4} {layout,-6} ours {result.OursMs,8:F2} ms  torch {result.TorchMs,8:F2} ms  {result.Speedup,5:F1}x  floor {result.FloorMs,6:F2} ms ({result.TimesFloor:F2}x)  alloc {result.OursAllocatedBytesPerStep:F0} B/step");
        }

string machine = $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, " +
                 $"AVX-512 {(Vector512.IsHardwareAccelerated ? "on" : "off")}, .NET {Environment.Version}.";
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
string temporary = output + ".tmp";
File.WriteAllText(temporary, BenchmarkReport.Markdown(results, machine));
File.Move(temporary, output, overwrite: true);
Console.WriteLine($"wrote {output}");

static string FindRepositoryRoot()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        if (File.Exists(Path.Combine(folder.FullName, "AdaptiveLR.sln"))) return folder.FullName;
    return Directory.GetCurrentDirectory();
}

using System.Globalization;
using System.Text;

namespace AdaptiveLR.Torch.Benchmarking;

/// <summary>Benchmark results as a Markdown table, the form README quotes.</summary>
public static class BenchmarkReport
{
    /// <summary>One row per result, headed by the <paramref name="machine"/> it ran on.</summary>
    public static string Markdown(IEnumerable<BenchmarkResult> results, string machine)
    {
        var text = new StringBuilder();
        text.AppendLine($"Step benchmark: ms per `step()` (median), ours vs TorchSharp's built-in, float32 on CPU. {machine}");
        text.AppendLine();
        text.AppendLine("| optimizer | params | layout | tensors | ours ms | TorchSharp ms | speed-up | floor ms | ours / floor | ours alloc B/step |");
        text.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Optimizer} | {Count(r.Params)} | {r.Layout} | {r.Tensors} | {r.OursMs:F2} | {Missing(r.TorchMs, $"{r.TorchMs:F2}")} | {Missing(r.Speedup, $"{r.Speedup:F1}×")} | {r.FloorMs:F2} | {r.TimesFloor:F2}× | {r.OursAllocatedBytesPerStep:F0} |"));
        }
        text.AppendLine();
        text.AppendLine("— : TorchSharp has no built-in optimizer for the algorithm.");
        text.AppendLine("floor = bytes the algorithm must move (read parameter, gradient and state; write parameter and state) ÷ bandwidth of a plain vectorised copy of the same size measured in the same run (the faster of one core and all cores).");
        return text.ToString();
    }

    private static string Missing(double value, string text) => double.IsNaN(value) ? "—" : text;

    /// <summary>A parameter count as the table writes it (<c>10M</c>, or the number).</summary>
    public static string Count(long parameters) =>
        parameters % 1_000_000 == 0 ? $"{parameters / 1_000_000}M" : parameters.ToString(CultureInfo.InvariantCulture);
}

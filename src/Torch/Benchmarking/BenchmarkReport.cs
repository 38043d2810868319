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
        text.AppendLine($"Step benchmark: ms per `step()`, ours vs TorchSharp's built-in, float32 on CPU. {machine}");
        text.AppendLine();
        text.AppendLine("| optimizer | params | layout | tensors | ours ms | TorchSharp ms | speed-up (IQR) | floor ms | ours / floor (IQR) | early ms | early / floor | late / early | alloc B/step | state | state B/param | ours / our fp32 (IQR) |");
        text.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Optimizer} | {Count(r.Params)} | {r.Layout} | {r.Tensors} | {r.OursMs:F2} | {Missing(r.TorchMs, $"{r.TorchMs:F2}")} | {Missing(r.Speedup, $"{r.Speedup:F1}× ({r.SpeedupSpread.Low:F1}–{r.SpeedupSpread.High:F1})")} | {r.FloorMs:F2} | {r.TimesFloor:F2}× ({r.TimesFloorSpread.Low:F2}–{r.TimesFloorSpread.High:F2}) | {r.EarlyMs:F2} | {r.EarlyTimesFloor:F2}× | {r.LateOverEarly:F2} | {r.OursAllocatedBytesPerStep:F0} | {r.StatePrecision} | {r.StateBytesPerParameter:F2} | {Missing(r.OverOursFloat32, $"{r.OverOursFloat32:F2}× ({r.OverOursFloat32Spread.Low:F2}–{r.OverOursFloat32Spread.High:F2})")} |"));
        }
        text.AppendLine();
        text.AppendLine("— : TorchSharp has no built-in optimizer for the algorithm (or, last column, the state is float32).");
        text.AppendLine("Each case ran in its own process; ms are medians over the timing rounds, after the steps had run long enough to cross tier-up. " +
                        "Each round times a block of our steps, TorchSharp's and a plain copy back to back; speed-up and ours / floor are medians of the per-round ratios, with their interquartile range. " +
                        "floor = bytes the algorithm must move (read parameter, gradient and state; write parameter and state) ÷ bandwidth of a vectorised copy whose two buffers are as large as the step's parameters, gradients and float32 state (on one core with --one-core, else one core or all, whichever was faster). " +
                        "With bf16 or int8 state the floor stays float32 state's and ours / our fp32 compares our step with our step on float32 state, timed in the same rounds. " +
                        "early = our first steps in the process (before tier-up), alternated with copies for their own floor; late / early = (ours / floor) ÷ (early / floor): well above 1 would mean the kernel's code got worse after tier-up.");
        return text.ToString();
    }

    private static string Missing(double value, string text) => double.IsNaN(value) ? "—" : text;

    /// <summary>A parameter count as the table writes it (<c>10M</c>, or the number).</summary>
    public static string Count(long parameters) =>
        parameters % 1_000_000 == 0 ? $"{parameters / 1_000_000}M" : parameters.ToString(CultureInfo.InvariantCulture);
}

using System.Text.Json;
using System.Text.Json.Nodes;
using AdaptiveLR.Torch.Benchmarking;

namespace AdaptiveLR.Cli.Bench;

/// <summary>A benchmark result as one JSON line (what <c>--format json</c> prints and a child process hands back), and back.</summary>
public static class BenchmarkJson
{
    public static string Write(BenchmarkResult r) => JsonSerializer.Serialize(new
    {
        optimizer = r.Optimizer,
        @params = r.Params,
        layout = r.Layout,
        tensors = r.Tensors,
        ours_ms = Nullable(r.OursMs),
        ours_ms_p25 = Nullable(r.OursSpread.Low),
        ours_ms_p75 = Nullable(r.OursSpread.High),
        torch_ms = Nullable(r.TorchMs),
        speedup = Nullable(r.Speedup),
        speedup_p25 = Nullable(r.SpeedupSpread.Low),
        speedup_p75 = Nullable(r.SpeedupSpread.High),
        floor_ms = Nullable(r.FloorMs),
        ours_over_floor = Nullable(r.TimesFloor),
        ours_over_floor_p25 = Nullable(r.TimesFloorSpread.Low),
        ours_over_floor_p75 = Nullable(r.TimesFloorSpread.High),
        early_ms = Nullable(r.EarlyMs),
        early_ours_over_floor = Nullable(r.EarlyTimesFloor),
        late_over_early = Nullable(r.LateOverEarly),
        bytes_per_step = Nullable(r.BytesPerStep),
        copy_gb_per_s = Nullable(r.CopyGigabytesPerSecond),
        ours_alloc_bytes_per_step = Nullable(r.OursAllocatedBytesPerStep),
        rounds = r.Rounds,
        state_precision = r.StatePrecision,
        state_bytes_per_param = Nullable(r.StateBytesPerParameter),
        ours_over_ours_fp32 = Nullable(r.OverOursFloat32),
        ours_over_ours_fp32_p25 = Nullable(r.OverOursFloat32Spread.Low),
        ours_over_ours_fp32_p75 = Nullable(r.OverOursFloat32Spread.High),
    });

    public static BenchmarkResult Read(string line)
    {
        var o = JsonNode.Parse(line)!.AsObject();
        double D(string name) => o[name] is { } value ? value.GetValue<double>() : double.NaN;
        return new BenchmarkResult(
            o["optimizer"]!.GetValue<string>(), o["params"]!.GetValue<long>(), o["layout"]!.GetValue<string>(), o["tensors"]!.GetValue<int>(),
            OursMs: D("ours_ms"), OursSpread: (D("ours_ms_p25"), D("ours_ms_p75")),
            TorchMs: D("torch_ms"), Speedup: D("speedup"), SpeedupSpread: (D("speedup_p25"), D("speedup_p75")),
            FloorMs: D("floor_ms"), TimesFloor: D("ours_over_floor"), TimesFloorSpread: (D("ours_over_floor_p25"), D("ours_over_floor_p75")),
            EarlyMs: D("early_ms"), EarlyTimesFloor: D("early_ours_over_floor"), BytesPerStep: D("bytes_per_step"), CopyGigabytesPerSecond: D("copy_gb_per_s"),
            OursAllocatedBytesPerStep: D("ours_alloc_bytes_per_step"), Rounds: o["rounds"]!.GetValue<int>())
        {
            StatePrecision = o["state_precision"]?.GetValue<string>() ?? "fp32",
            StateBytesPerParameter = D("state_bytes_per_param"),
            OverOursFloat32 = D("ours_over_ours_fp32"),
            OverOursFloat32Spread = (D("ours_over_ours_fp32_p25"), D("ours_over_ours_fp32_p75")),
        };
    }

    /// <summary>null where a figure is missing (TorchSharp has no built-in optimizer) or not finite: JSON has no NaN.</summary>
    private static double? Nullable(double value) => double.IsFinite(value) ? value : null;
}

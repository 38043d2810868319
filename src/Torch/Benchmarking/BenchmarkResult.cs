namespace AdaptiveLR.Torch.Benchmarking;

/// <summary>
/// One measured case (see <see cref="StepBenchmark"/>): medians over the timing rounds of ms per
/// <c>step()</c> for ours and TorchSharp's built-in, the memory-traffic floor, and the ratios between
/// them taken per round, with their interquartile ranges (low, high); the early window apart.
/// </summary>
public sealed record BenchmarkResult(
    string Optimizer,
    long Params,
    string Layout,
    int Tensors,
    double OursMs,
    (double Low, double High) OursSpread,
    double TorchMs,
    double Speedup,
    (double Low, double High) SpeedupSpread,
    double FloorMs,
    double TimesFloor,
    (double Low, double High) TimesFloorSpread,
    double EarlyMs,
    double EarlyTimesFloor,
    double BytesPerStep,
    double CopyGigabytesPerSecond,
    double OursAllocatedBytesPerStep,
    int Rounds)
{
    /// <summary>How ours kept its state: fp32, bf16 or int8.</summary>
    public string StatePrecision { get; init; } = "fp32";

    /// <summary>Bytes of optimizer state per parameter, measured from our slot tensors.</summary>
    public double StateBytesPerParameter { get; init; } = double.NaN;

    /// <summary>With compressed state: our step over our step on float32 state, median of the per-round ratios (NaN otherwise).</summary>
    public double OverOursFloat32 { get; init; } = double.NaN;

    /// <summary>The interquartile range of <see cref="OverOursFloat32"/>.</summary>
    public (double Low, double High) OverOursFloat32Spread { get; init; } = (double.NaN, double.NaN);

    /// <summary>Ours / floor late (after tier-up) over ours / floor early: well above 1 means the code got worse after tier-up.</summary>
    public double LateOverEarly => TimesFloor / EarlyTimesFloor;
}

namespace AdaptiveLR.Torch.Benchmarking;

/// <summary>
/// One measured case: medians of ms per <c>step()</c> for ours and TorchSharp's built-in, side by
/// side in one process, and the memory-traffic floor — the bytes the algorithm must move divided by
/// the bandwidth of a plain vectorised copy of the same size measured in the same run.
/// </summary>
public sealed record BenchmarkResult(
    string Optimizer,
    long Params,
    string Layout,
    int Tensors,
    double OursMs,
    double TorchMs,
    double FloorMs,
    double BytesPerStep,
    double CopyGigabytesPerSecond,
    double OursAllocatedBytesPerStep)
{
    /// <summary>How many times faster ours is than TorchSharp's built-in.</summary>
    public double Speedup => TorchMs / OursMs;

    /// <summary>Ours as a multiple of the floor: 1 is the memory-bandwidth limit.</summary>
    public double TimesFloor => OursMs / FloorMs;
}

using AdaptiveLR.Cli.Training;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// A machine without AVX2 (x86 with SSE4/AVX only, or ARM64's NEON) converts compressed state in 128-bit registers and
/// must train exactly as this one does with AVX-512: the same weights, the same codes and scales in the checkpoint, the
/// same metrics. The built tool is run twice, as it is and with <see cref="ToolEnvironment.Without256BitVectors"/>, and the
/// JIT's listing of the second run shows that it took the 128-bit lanes.
/// </summary>
public sealed class NarrowVectorTrainingTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    [Theory]
    [InlineData("adam", "int8")]
    [InlineData("amsgrad", "bf16")]
    [InlineData("lion", "int8")]
    public async Task TrainingOn128BitLanesEqualsTrainingOnTheWidestBitForBit(string optimizer, string precision)
    {
        string[] train = ["train", "--out", "run", "--optimizer", optimizer, "--state-precision", precision,
                          "--limit-train", "1024", "--limit-test", "500", "--epochs", "2"];
        string wide = Directory.CreateDirectory(folder["wide"]).FullName, narrow = Directory.CreateDirectory(folder["narrow"]).FullName;
        string listing = folder["jit.txt"];
        var widest = await ToolEnvironment.RunAsync(wide, new Dictionary<string, string>(), train);
        var environment = new Dictionary<string, string>(ToolEnvironment.Without256BitVectors) { ["DOTNET_JitDisasm"] = "Run", ["DOTNET_JitStdOutFile"] = listing };
        var narrowest = await ToolEnvironment.RunAsync(narrow, environment, train);
        Assert.True(widest.ExitCode == 0, widest.Error);
        Assert.True(narrowest.ExitCode == 0, narrowest.Error);

        var methods = File.ReadAllText(listing).Split("; Assembly listing for method ").Skip(1).Select(method => method[..method.IndexOf('\n')]).ToList();
        var compressed = methods.Where(name => name.StartsWith("AdaptiveLR.Pure.Core.CompressedLoop`5", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(compressed);
        Assert.All(compressed, name => Assert.Contains(",AdaptiveLR.Pure.Numerics.Float128Lane,", name));

        var (a, b) = (Checkpoint.Read(Path.Combine(wide, "run", Checkpoint.FileName)), Checkpoint.Read(Path.Combine(narrow, "run", Checkpoint.FileName)));
        Assert.True(a.ModelWeights.AsSpan().SequenceEqual(b.ModelWeights), "the weights differ");
        Assert.True(a.OptimizerState.AsSpan().SequenceEqual(b.OptimizerState), "the optimizer state differs");
        Assert.Equal(ScheduleAndTransformTests.Numbers(Path.Combine(wide, "run")), ScheduleAndTransformTests.Numbers(Path.Combine(narrow, "run")));
    }

    public void Dispose() => folder.Dispose();
}

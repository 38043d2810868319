using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary><c>train --state-precision</c>: compressed optimizer state through a run, its checkpoints and the errors around it.</summary>
[Collection(SerialCollection.Name)]
public sealed class StatePrecisionTests : IDisposable
{
    private static readonly string[] Slice = ["--limit-train", "1024", "--limit-test", "500"];
    private readonly TemporaryFolder folder = new();

    [Theory]
    [InlineData("int8")]
    [InlineData("bf16")]
    public void ResumingCompressedStateEqualsOneRunAndAnotherPrecisionIsRefused(string precision)
    {
        Train("straight", "--epochs", "3", "--state-precision", precision).Succeeded();
        Train("resumed", "--epochs", "2", "--state-precision", precision).Succeeded();
        Train("resumed", "--epochs", "3", "--resume", "--state-precision", precision).Succeeded();
        Assert.Equal(ScheduleAndTransformTests.Numbers(folder["straight"]), ScheduleAndTransformTests.Numbers(folder["resumed"]));
        Assert.Contains($"\"state_precision\": \"{precision}\"", File.ReadAllText(Path.Combine(folder["straight"], "metrics.json")));

        string before = File.ReadAllText(Path.Combine(folder["resumed"], "metrics.json"));
        string other = Train("resumed", "--epochs", "4", "--resume", "--state-precision", "fp32").FailedWithUsageError();
        Assert.Contains("state-precision", other);
        Assert.Equal(before, File.ReadAllText(Path.Combine(folder["resumed"], "metrics.json")));
    }

    [Fact]
    public void AlgorithmsWithFloatOnlyStateAndTorchSharpAreRefusedInOneLine()
    {
        string adafactor = Train("adafactor", "--optimizer", "adafactor", "--state-precision", "int8").FailedWithUsageError();
        Assert.Contains("--state-precision: adafactor keeps float32 state only", adafactor);
        string torch = Train("torch", "--impl", "torch", "--state-precision", "bf16").FailedWithUsageError();
        Assert.Contains("--state-precision: bf16 is ours only", torch);
        string unknown = Train("unknown", "--state-precision", "fp16").FailedWithUsageError();
        Assert.Contains("fp32, bf16, int8", unknown);
    }

    public void Dispose() => folder.Dispose();

    private CliRun Train(string output, params string[] args) => CliRun.Of(["train", "--out", folder[output], .. Slice, .. args]);
}

using Snapshooter.Xunit;
using Xunit;

namespace AdaptiveLR.Snapshots;

/// <summary>What <c>adaptivelr step</c> and <c>optimizers NAME</c> print for Adan, ADOPT and AdEMAMix, with the options that change their state.</summary>
public class ElementwiseStagedStepTests
{
    [Fact]
    public void AdanClippedTable() =>
        Snapshot.Match(Succeeded("step", "--optimizer", "adan", "--lr", "0.1", "--grads", "3,-4;1,2;-0.5,0.5", "--max-grad-norm", "1", "--weight-decay", "0.02"));

    [Fact]
    public void AdoptCsv() => Snapshot.Match(Succeeded("step", "--optimizer", "adopt", "--lr", "0.1", "--grads", "1,-2,0.5,8", "--format", "csv"));

    [Fact]
    public void AdEMAMixWarmUpJson() =>
        Snapshot.Match(Succeeded("step", "--optimizer", "ademamix", "--lr", "0.1", "--x0", "5,-3", "--steps", "4", "--alpha-warmup", "3", "--beta3-warmup", "3", "--beta3", "0.99", "--format", "json"));

    [Fact]
    public void DescribesAdEMAMix() => Snapshot.Match(Succeeded("optimizers", "ademamix"));

    private static string Succeeded(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        return run.Output;
    }
}

using Snapshooter.Xunit;
using Xunit;

namespace AdaptiveLR.Snapshots;

/// <summary>What <c>adaptivelr step</c> prints, exactly as users see it.</summary>
public class StepSnapshotTests
{
    private static readonly string[] SeedRmsProp = ["step", "--optimizer", "rmsprop", "--lr", "0.1", "--alpha", "0.9", "--function", "quadratic", "--x0", "5", "--steps", "20"];
    private static readonly string[] AdamOnVector = ["step", "--optimizer", "adam", "--lr", "0.1", "--x0", "5,-3", "--steps", "5"];

    [Fact]
    public void SeedRmsPropTable() => Snapshot.Match(Succeeded(SeedRmsProp));

    [Fact]
    public void SeedRmsPropJson() => Snapshot.Match(Succeeded([.. SeedRmsProp, "--format", "json"]));

    [Fact]
    public void AdamTable() => Snapshot.Match(Succeeded(AdamOnVector));

    [Fact]
    public void AdamJson() => Snapshot.Match(Succeeded([.. AdamOnVector, "--format", "json"]));

    [Fact]
    public void AdamCsvWithGivenGradients() => Snapshot.Match(Succeeded(["step", "--optimizer", "amsgrad", "--grads", "1,-2,0.5", "--format", "csv"]));

    [Fact]
    public void RootHelp() => Snapshot.Match(Succeeded(["--help"]));

    [Fact]
    public void StepHelp() => Snapshot.Match(Succeeded(["step", "--help"]));

    private static string Succeeded(string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        return run.Output;
    }
}

using Snapshooter.Xunit;
using Xunit;

namespace AdaptiveLR.Snapshots;

/// <summary><c>adaptivelr schedule</c>: what it prints, and one line with exit code 2 for every bad input.</summary>
public class ScheduleCommandTests
{
    [Fact]
    public void WarmupCosineTable() => Snapshot.Match(Succeeded("schedule", "--name", "warmup-cosine", "--warmup", "10", "--steps", "100", "--lr", "0.5"));

    [Fact]
    public void PlateauCsv() => Snapshot.Match(Succeeded("schedule", "--name", "plateau", "--metrics", "1,0.5,0.5,0.5,0.5,0.4", "--patience", "2", "--format", "csv"));

    [Fact]
    public void EveryStepInJson()
    {
        var lines = Succeeded("schedule", "--name", "exponential", "--gamma", "0.5", "--steps", "4", "--lr", "1", "--format", "json").TrimEnd('\n').Split('\n');
        Assert.Equal(["{\"step\":0,\"lr\":1}", "{\"step\":1,\"lr\":0.5}", "{\"step\":2,\"lr\":0.25}", "{\"step\":3,\"lr\":0.125}"], lines);
    }

    /// <summary>As torch's StepLR and ExponentialLR, a gamma above 1 grows the rate, as long as it stays finite.</summary>
    [Fact]
    public void GammaAboveOneGrowsTheRate()
    {
        var lines = Succeeded("schedule", "--name", "step", "--step-size", "2", "--gamma", "3", "--steps", "5", "--lr", "1", "--format", "csv").TrimEnd('\n').Split('\n');
        Assert.Equal(["step,lr", "0,1", "1,1", "2,3", "3,3", "4,9"], lines);
    }

    [Theory]
    [InlineData("schedule")]
    [InlineData("schedule --name linear")]
    [InlineData("schedule --name step")]
    [InlineData("schedule --name step --step-size 2.5")]
    [InlineData("schedule --name exponential")]
    [InlineData("schedule --name exponential --gamma -1")]
    [InlineData("schedule --name warmup-cosine --warmup 50 --steps 10")]
    [InlineData("schedule --name one-cycle --pct-start 1.5")]
    [InlineData("schedule --name plateau")]
    [InlineData("schedule --name plateau --metrics 1,x")]
    [InlineData("schedule --name cosine --metrics 1,2")]
    [InlineData("schedule --name cosine --lr 0")]
    [InlineData("schedule --name cosine --steps 0")]
    [InlineData("schedule --name cosine --plot /nonexistent-folder/lr.png")]
    [InlineData("schedule --name cosine --steps 1000000001")]
    [InlineData("schedule --name cosine --steps 2147483647")]
    [InlineData("schedule --name exponential --gamma 10 --steps 1000")]
    [InlineData("schedule --name step --step-size 1 --gamma 1e300 --steps 3")]
    public void BadInputExitsWithTwoAndOneLine(string arguments)
    {
        var run = CliRun.Of(arguments.Split(' '));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("adaptivelr: --", run.Error);
    }

    private static string Succeeded(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        return run.Output;
    }
}

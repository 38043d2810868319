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

    /// <summary>Schedule-Free: its slot z and the evaluation point x_eval (the running average of z) beside the trained point x.</summary>
    [Fact]
    public void ScheduleFreeSgdTable() =>
        Snapshot.Match(Succeeded(["step", "--optimizer", "schedulefree-sgd", "--lr", "0.1", "--warmup-steps", "2", "--x0", "5,-3", "--steps", "5"]));

    [Fact]
    public void AdamCsvWithGivenGradients() => Snapshot.Match(Succeeded(["step", "--optimizer", "amsgrad", "--grads", "1,-2,0.5", "--format", "csv"]));

    [Fact]
    public void SeveralOptimizersOnRosenbrockSummary() =>
        Snapshot.Match(Succeeded(["step", "--function", "rosenbrock", "--optimizers", "sgd,adam,rmsprop,lion", "--lr", "0.002", "--steps", "300"]));

    [Fact]
    public void SeveralOptimizersOnBealeJson() =>
        Snapshot.Match(Succeeded(["step", "--function", "beale", "--optimizers", "adagrad,yogi", "--steps", "2", "--format", "json"]));

    /// <summary>Staged algorithms: the group's scalars (Prodigy's d, …) as columns, LAMB's per-tensor trust ratio, sampled slots at their coordinates.</summary>
    [Fact]
    public void ProdigyTableShowsItsScalars() => Snapshot.Match(Succeeded(["step", "--optimizer", "prodigy", "--x0", "5,-3", "--steps", "6"]));

    [Fact]
    public void LambJsonHasTheTrustRatio() => Snapshot.Match(Succeeded(["step", "--optimizer", "lamb", "--lr", "0.1", "--x0", "5,-3", "--steps", "3", "--format", "json"]));

    [Fact]
    public void DAdaptationCsvAndProdigySlicedCsv() =>
        Snapshot.Match(Succeeded(["step", "--optimizer", "dadapt-adam", "--grads", "1,-2,0.5;1,-1,0.25", "--format", "csv"]) + "\n" +
                       Succeeded(["step", "--optimizer", "prodigy", "--slice-p", "2", "--grads", "1,-2,0.5;1,-1,0.25", "--format", "csv"]));

    [Fact]
    public void StagedPlotWithSampledSlotsIsAPng()
    {
        string path = Path.Combine(Path.GetTempPath(), $"adaptivelr-prodigy-{Guid.NewGuid():N}.png");
        try
        {
            Succeeded(["step", "--optimizer", "prodigy", "--slice-p", "2", "--x0", "5,-3,1", "--steps", "30", "--plot", path]);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(path)[..4]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PathsPlotIsAPng()
    {
        string path = Path.Combine(Path.GetTempPath(), $"adaptivelr-paths-{Guid.NewGuid():N}.png");
        try
        {
            Succeeded(["step", "--function", "quadratic2d", "--optimizers", "sgd,adam", "--lr", "0.1", "--steps", "50", "--plot", path]);
            byte[] png = File.ReadAllBytes(path);
            Assert.True(png.Length > 10_000, $"{png.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void RootHelp() => Snapshot.Match(Succeeded(["--help"]));

    [Fact]
    public void RpropCsvWithGivenGradientsFlippingSign() => Snapshot.Match(Succeeded(["step", "--optimizer", "rprop", "--lr", "0.1", "--grads", "1,2,-0.5,-1,3", "--format", "csv"]));

    [Fact]
    public void AsgdJsonAveragingFromTheSecondStep() =>
        Snapshot.Match(Succeeded(["step", "--optimizer", "asgd", "--lr", "0.1", "--lambd", "0.01", "--t0", "0", "--x0", "5,-3", "--steps", "4", "--format", "json"]));

    [Fact]
    public void LarsTable() => Snapshot.Match(Succeeded(["step", "--optimizer", "lars", "--lr", "1", "--weight-decay", "0.01", "--x0", "5,-3", "--steps", "4"]));

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

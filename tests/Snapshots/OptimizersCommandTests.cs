using AdaptiveLR.Pure;
using Snapshooter.Xunit;
using Xunit;

namespace AdaptiveLR.Snapshots;

/// <summary><c>adaptivelr optimizers</c>: the list, one algorithm in full, and an unknown name.</summary>
public class OptimizersCommandTests
{
    [Fact]
    public void ListsEveryAlgorithmWithItsDefaults()
    {
        var run = CliRun.Of("optimizers");
        Assert.Equal(0, run.ExitCode);
        foreach (string name in OptimizerRegistry.Names) Assert.Contains($"\n{name} ", "\n" + run.Output);
        Snapshot.Match(run.Output);
    }

    [Fact]
    public void DescribesOneAlgorithm() => Snapshot.Match(CliRun.Of("optimizers", "amsgrad").Output);

    [Fact]
    public void JsonListsEveryAlgorithm()
    {
        var run = CliRun.Of("optimizers", "--format", "json");
        Assert.Equal(OptimizerRegistry.All.Length, run.Output.TrimEnd('\n').Split('\n').Length);
        Assert.Contains("\"torch_builtin\":false", run.Output);
    }

    [Fact]
    public void UnknownNameExitsWithTwoAndOneLine()
    {
        var run = CliRun.Of("optimizers", "adamx");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("adaptivelr: optimizers: unknown optimizer 'adamx' (did you mean 'adam', 'adamw' or 'adamax'?); allowed: " + string.Join(", ", OptimizerRegistry.Names) + "\n", run.Error);
    }
}

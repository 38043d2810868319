using System.Collections.Immutable;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Cli.Compare;

/// <summary>
/// One optimizer of a comparison: its hyperparameters (the lr chosen or configured, and where it
/// came from), how it was tuned, and one run per seed, each from that seed's initial weights.
/// </summary>
public sealed record OptimizerRuns(Hyperparameters Hyperparameters, string LrSource, LrTuningResult? Tuning, ImmutableArray<SeedRun> Runs)
{
    public string Optimizer => Hyperparameters.Algorithm;

    public MeanStd FinalAccuracy => MeanStd.Of(Runs.Select(r => r.Result.Final.TestAccuracy));

    /// <summary>Each seed's best epoch, then the mean over seeds.</summary>
    public MeanStd BestAccuracy => MeanStd.Of(Runs.Select(r => r.Result.Best.TestAccuracy));

    public MeanStd FinalLoss => MeanStd.Of(Runs.Select(r => r.Result.Final.TestLoss));

    public MeanStd BestLoss => MeanStd.Of(Runs.Select(r => r.Result.Epochs.Min(e => double.IsNaN(e.TestLoss) ? double.PositiveInfinity : e.TestLoss)));

    /// <summary>Mean wall time of one seed's run.</summary>
    public double Seconds => Runs.Average(r => r.Result.Seconds);

    /// <summary>Per epoch: a quantity's mean and standard deviation over the seeds.</summary>
    public ImmutableArray<MeanStd> PerEpoch(Func<EpochMetrics, double> quantity) =>
        [.. Enumerable.Range(0, Runs.Min(r => r.Result.Epochs.Count)).Select(i => MeanStd.Of(Runs.Select(r => quantity(r.Result.Epochs[i]))))];
}

/// <summary>One seed's run of one optimizer.</summary>
public sealed record SeedRun(int Seed, ComparisonResult Result);

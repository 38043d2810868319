using System.Text.RegularExpressions;
using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.Train;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure.Algorithms;
using Xunit;
using Xunit.Abstractions;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// Many epochs: the memory a user sees — the resident memory of the <c>train</c> process after each
/// epoch — stays flat, and no tensor or managed object is kept from one epoch to the next.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed partial class LongRunMemoryTests(ITestOutputHelper log) : IDisposable
{
    private const int Epochs = 30, WarmUp = 6;
    private readonly TemporaryFolder folder = new();

    [Fact]
    public void ResidentMemoryOfTheTrainProcessAfterEachEpochStaysFlat()
    {
        // 512 training images (8 steps per epoch) and the whole test split in batches of 1,000, whose
        // 23 MB activations are what the C heap used to keep. Sizes, not times, are compared: the machine may be busy.
        const int LongRun = 30;
        var resident = new List<long>();
        using var tool = MemoryWatchedProcess.Start(
            ["train", "--epochs", $"{LongRun}", "--limit-train", "512", "--out", folder["run"]],
            onLine: (process, line) => { if (EpochRow().IsMatch(line)) resident.Add(process.ResidentBytes()); });
        tool.WaitWithin(memoryLimitBytes: 2_000_000_000, stallLimit: TimeSpan.FromMinutes(2));
        Assert.True(tool.KilledBecause is null, tool.KilledBecause);
        Assert.True(tool.ExitCode == 0, tool.Error);
        long[] rss = [.. resident]; // complete: the exit was waited for, output drained
        log.WriteLine($"RSS MB after each epoch: {string.Join(" ", rss.Select(b => (b / 1e6).ToString("0")))}");
        Assert.Equal(LongRun, rss.Length);

        // What the run needed early on against what it keeps at the end: the least of each fifth. The
        // allocator's transient peaks come and go (seen: 216 -> 249 -> 216 MB over four epochs), so a
        // median or maximum would test them; growth that stays, as a leak's does, raises the least too.
        int fifth = LongRun / 5;
        long first = rss[..fifth].Min(), last = rss[^fifth..].Min();
        log.WriteLine($"least of the first fifth {first / 1e6:0} MB, least of the last fifth {last / 1e6:0} MB");
        // Before the C heap was trimmed after each epoch it kept 3-50 MB more per epoch (measured: 207 -> 258 MB by epoch 3,
        // 215 -> 280 MB over 30 epochs); a leaked 64-image batch per step would add 1.6 MB per epoch, about 35 MB between the fifths.
        Assert.True(last - first < 24_000_000, $"RSS grew from {first / 1e6:0} MB (least of epochs 1-{fifth}) to {last / 1e6:0} MB (least of epochs {LongRun - fifth + 1}-{LongRun})");
    }

    [Fact]
    public void ManagedHeapAndLiveTensorsStayFlatAfterWarmUp()
    {
        using var data = TrainingData.Load(null, 1024, 256);
        var plan = new AdaptiveLRSettings().PlanFor(new AdamHyperparameters()) with { Epochs = Epochs };
        using var trainer = Trainer.Start(plan, data);
        var (heap, tensors) = (new long[Epochs], new long[Epochs]);
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            trainer.RunEpoch();
            // What train does after every epoch.
            MetricsFiles.Write(trainer, folder.Path);
            Checkpoint.Save(trainer, folder[Checkpoint.FileName]);
            heap[epoch] = GC.GetTotalMemory(forceFullCollection: true);
            tensors[epoch] = TorchSharp.torch.Tensor.TotalCount;
        }
        log.WriteLine($"managed heap MB: {string.Join(" ", heap.Select(b => (b / 1e6).ToString("0.0")))}");
        log.WriteLine($"live tensors: {string.Join(" ", tensors)}");

        // The history grows by one small record per epoch; anything per batch would be far more.
        long heapGrowth = heap[^1] - heap[WarmUp - 1];
        Assert.True(heapGrowth < 2_000_000, $"managed heap grew {heapGrowth / 1e6:0.0} MB over {Epochs - WarmUp} epochs");
        Assert.True(tensors[^1] <= tensors[WarmUp - 1], $"live tensors {tensors[WarmUp - 1]} → {tensors[^1]}");
    }

    public void Dispose() => folder.Dispose();

    /// <summary>A row of the epoch table: the epoch number, then numbers.</summary>
    [GeneratedRegex(@"^\s*\d+\s+\d")]
    private static partial Regex EpochRow();
}

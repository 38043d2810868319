using System.Diagnostics;
using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.Train;
using AdaptiveLR.Cli.Training;
using AdaptiveLR.Pure.Algorithms;
using Xunit;
using Xunit.Abstractions;

namespace AdaptiveLR.EndToEnd;

/// <summary>Many epochs on a small slice: no tensor, managed object or native memory is kept from one epoch to the next.</summary>
[Collection(SerialCollection.Name)]
public sealed class LongRunMemoryTests(ITestOutputHelper log) : IDisposable
{
    private const int Epochs = 30, WarmUp = 6;
    private readonly TemporaryFolder folder = new();

    [Fact]
    public void ManagedHeapProcessMemoryAndLiveTensorsStayFlatAfterWarmUp()
    {
        using var data = TrainingData.Load(null, 1024, 256);
        var plan = new AdaptiveLRSettings().PlanFor(new AdamHyperparameters()) with { Epochs = Epochs };
        using var trainer = Trainer.Start(plan, data);
        var process = Process.GetCurrentProcess();
        var (heap, rss, tensors) = (new long[Epochs], new long[Epochs], new long[Epochs]);
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            trainer.RunEpoch();
            // What train does after every epoch.
            MetricsFiles.Write(trainer, folder.Path);
            Checkpoint.Save(trainer, folder[Checkpoint.FileName]);
            heap[epoch] = GC.GetTotalMemory(forceFullCollection: true);
            process.Refresh();
            rss[epoch] = process.WorkingSet64;
            tensors[epoch] = TorchSharp.torch.Tensor.TotalCount;
        }
        log.WriteLine($"managed heap MB: {string.Join(" ", heap.Select(b => (b / 1e6).ToString("0.0")))}");
        log.WriteLine($"RSS MB: {string.Join(" ", rss.Select(b => (b / 1e6).ToString("0.0")))}");
        log.WriteLine($"live tensors: {string.Join(" ", tensors)}");

        // The history grows by one small record per epoch; anything per batch would be far more.
        long heapGrowth = heap[^1] - heap[WarmUp - 1], rssGrowth = rss[^1] - rss[WarmUp - 1];
        Assert.True(heapGrowth < 2_000_000, $"managed heap grew {heapGrowth / 1e6:0.0} MB over {Epochs - WarmUp} epochs");
        // One leaked batch of images per step would be 16 × 200 KB per epoch, 77 MB over these epochs.
        Assert.True(rssGrowth < 40_000_000, $"RSS grew {rssGrowth / 1e6:0.0} MB over {Epochs - WarmUp} epochs");
        Assert.True(tensors[^1] <= tensors[WarmUp - 1], $"live tensors {tensors[WarmUp - 1]} → {tensors[^1]}");
    }

    public void Dispose() => folder.Dispose();
}

using System.Collections.Immutable;
using System.Diagnostics;
using AdaptiveLR.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// The seed's training loop: the model, its optimizer and the epochs done so far. Deterministic for
/// a seed on the CPU: the seed fixes the initial weights and the dropout generator, epoch e
/// shuffles with <c>System.Random(seed + e)</c>, and a checkpoint carries the generator's state.
/// </summary>
public sealed class Trainer : IDisposable
{
    private Trainer(TrainingPlan plan, TrainingData data, SeedCnn model, OptimizerHelper optimizer)
    {
        Plan = plan;
        Data = data;
        Model = model;
        Optimizer = optimizer;
    }

    public TrainingPlan Plan { get; }

    public TrainingData Data { get; }

    public SeedCnn Model { get; }

    public OptimizerHelper Optimizer { get; }

    /// <summary>One entry per completed epoch, including those of a resumed checkpoint.</summary>
    public ImmutableList<EpochMetrics> History { get; internal set; } = [];

    public int CompletedEpochs => History.Count;

    /// <summary>Every parameter's effective learning rate after the last epoch, by layer; empty for TorchSharp's optimizers, whose state is not ours.</summary>
    public ImmutableArray<(string Layer, float[] Rates)> LastEffectiveLearningRates { get; private set; } = [];

    public int BatchesPerEpoch => (Data.Train.Count + Plan.BatchSize - 1) / Plan.BatchSize;

    /// <summary>A fresh model: the same seed gives the same initial weights, whatever the optimizer.</summary>
    public static Trainer Start(TrainingPlan plan, TrainingData data)
    {
        manual_seed(plan.Seed);
        var model = new SeedCnn();
        var optimizer = OptimizerImplementation.Create(plan.Implementation, plan.Hyperparameters, model);
        return new Trainer(plan, data, model, optimizer);
    }

    /// <summary>Trains one epoch and evaluates on the test split.</summary>
    /// <param name="onStep">Called after every optimizer step with the global step number (1-based) and the batch loss.</param>
    public EpochMetrics RunEpoch(Action<long, double>? onStep = null)
    {
        int epoch = CompletedEpochs + 1;
        var clock = Stopwatch.StartNew();
        var dataClock = new Stopwatch();
        using var order = tensor(ShuffledOrder(Data.Train.Count, Plan.Seed + epoch));
        long firstStep = (long)(epoch - 1) * BatchesPerEpoch;
        double lossSum = 0;

        Model.train();
        for (int batch = 0; batch < BatchesPerEpoch; batch++)
        {
            using var scope = NewDisposeScope();
            dataClock.Start();
            int start = batch * Plan.BatchSize, size = Math.Min(Plan.BatchSize, Data.Train.Count - start);
            var indices = order.narrow(0, start, size);
            var images = Data.Train.Images(indices);
            var labels = Data.Train.Labels.index_select(0, indices);
            dataClock.Stop();

            Optimizer.zero_grad();
            var loss = F.nll_loss(Model.forward(images), labels);
            loss.backward();
            Optimizer.step();
            double value = loss.item<float>();
            lossSum += value * size;
            onStep?.Invoke(firstStep + batch + 1, value);
        }
        var (testLoss, testAccuracy) = Evaluate();
        double seconds = clock.Elapsed.TotalSeconds;
        LastEffectiveLearningRates = Optimizer is AdaptiveOptimizer ours ? EffectiveLearningRates.ByLayer(ours) : [];
        var metrics = new EpochMetrics(epoch, lossSum / Data.Train.Count, testLoss, testAccuracy, seconds, dataClock.Elapsed.TotalSeconds,
                                       EffectiveLearningRates.Distribution(LastEffectiveLearningRates));
        History = History.Add(metrics);
        return metrics;
    }

    /// <summary>Mean NLL and accuracy over the test split, without dropout.</summary>
    public (double Loss, double Accuracy) Evaluate()
    {
        Model.eval();
        using var noGrad = no_grad();
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < Data.Test.Count; start += Plan.TestBatchSize)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(Plan.TestBatchSize, Data.Test.Count - start);
            var images = Data.Test.Images(start, size);
            var labels = Data.Test.Labels.narrow(0, start, size);
            var output = Model.forward(images);
            lossSum += F.nll_loss(output, labels, reduction: nn.Reduction.Sum).item<float>();
            correct += output.argmax(1).eq(labels).sum().item<long>();
        }
        return (lossSum / Data.Test.Count, (double)correct / Data.Test.Count);
    }

    /// <summary>A Fisher–Yates permutation from <c>System.Random(seed)</c>, whose seeded sequence .NET keeps stable.</summary>
    public static long[] ShuffledOrder(int count, int seed)
    {
        long[] order = [.. Enumerable.Range(0, count).Select(i => (long)i)];
        var random = new Random(seed);
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Model.Dispose();
    }
}

using System.Collections.Immutable;
using System.Diagnostics;
using AdaptiveLR.Pure.Transforms;
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
    private Trainer(TrainingPlan plan, TrainingData data, nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, ScheduledLearningRate schedule, InjectedFault? fault)
    {
        Plan = plan;
        Data = data;
        Model = model;
        Optimizer = optimizer;
        Schedule = schedule;
        this.fault = fault;
    }

    private readonly InjectedFault? fault;

    public TrainingPlan Plan { get; }

    public TrainingData Data { get; }

    /// <summary>The plan's model (<see cref="Models.ModelCatalog"/>): the seed's CNN by default.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    public OptimizerHelper Optimizer { get; }

    /// <summary>The learning-rate schedule and its position; saved in the checkpoint.</summary>
    public ScheduledLearningRate Schedule { get; }

    /// <summary>One entry per completed epoch, including those of a resumed checkpoint.</summary>
    public ImmutableList<EpochMetrics> History { get; internal set; } = [];

    public int CompletedEpochs => History.Count;

    /// <summary>Every parameter's effective learning rate after the last epoch, by layer; empty for TorchSharp's optimizers, whose state is not ours.</summary>
    public ImmutableArray<(string Layer, float[] Rates)> LastEffectiveLearningRates { get; private set; } = [];

    public int BatchesPerEpoch => Batches(Data, Plan);

    /// <summary>A fresh model: the same seed gives the same initial weights, whatever the optimizer.</summary>
    /// <param name="fault">A NaN to inject at one step (tests of the non-finite handling), or null.</param>
    public static Trainer Start(TrainingPlan plan, TrainingData data, InjectedFault? fault = null)
    {
        EnsureFits(plan, data);
        var schedule = ScheduledLearningRate.Create(plan.Schedule, plan.Hyperparameters.Lr, (long)plan.Epochs * Batches(data, plan));
        manual_seed(plan.Seed);
        var model = Models.ModelCatalog.Create(plan.Model, data);
        var optimizer = OptimizerImplementation.Create(plan, model);
        return new Trainer(plan, data, model, optimizer, schedule, fault);
    }

    /// <summary>
    /// A usage error, before any work, unless the plan fits the data: a batch no larger than the
    /// training split, and a schedule whose rate stays within float32 over the run's steps.
    /// </summary>
    public static void EnsureFits(TrainingPlan plan, TrainingData data)
    {
        if (plan.BatchSize > data.Train.Count)
            throw new UsageException($"--batch-size (Training:BatchSize): {plan.BatchSize} is larger than the {data.Train.Count} training images; allowed: an integer from 1 to {data.Train.Count}");
        ScheduledLearningRate.Create(plan.Schedule, plan.Hyperparameters.Lr, (long)plan.Epochs * Batches(data, plan));
    }

    private static int Batches(TrainingData data, TrainingPlan plan) => (int)(((long)data.Train.Count + plan.BatchSize - 1) / plan.BatchSize);

    /// <summary>Trains one epoch and evaluates on the test split.</summary>
    /// <param name="onStep">Called after every optimizer step with the global step number (1-based) and the batch loss.</param>
    public EpochMetrics RunEpoch(Action<long, double>? onStep = null)
    {
        int epoch = CompletedEpochs + 1;
        var clock = Stopwatch.StartNew();
        var dataClock = new Stopwatch();
        using var order = tensor(ShuffledOrder(Data.Train.Count, Plan.Seed + epoch));
        long firstStep = (long)(epoch - 1) * BatchesPerEpoch;
        double firstLearningRate = Schedule.Current;
        double lossSum = 0;
        long lossCount = 0, skipped = 0;

        Model.train();
        TrainingView();
        for (int batch = 0; batch < BatchesPerEpoch; batch++)
        {
            using var scope = NewDisposeScope();
            dataClock.Start();
            int start = batch * Plan.BatchSize, size = Math.Min(Plan.BatchSize, Data.Train.Count - start);
            var indices = order.narrow(0, start, size);
            var images = Data.Train.Inputs(indices);
            var labels = Data.Train.Targets.index_select(0, indices);
            dataClock.Stop();

            long step = firstStep + batch + 1;
            Schedule.Apply(Optimizer);
            Optimizer.zero_grad();
            var loss = Loss(Model.forward(images), labels);
            if (fault is { InLoss: true } && fault.Step == step) loss = loss * float.NaN;
            double value = loss.item<float>();
            // A non-finite loss never reaches backward: its gradients would be NaN everywhere.
            if (double.IsFinite(value) || Plan.NonFinite == NonFinitePolicy.None)
            {
                lossSum += value * size;
                lossCount += size;
                loss.backward();
                if (fault is { InLoss: false } && fault.Step == step) PoisonGradient();
                if (!StepOptimizer(step, epoch)) skipped++;
            }
            else if (Plan.NonFinite == NonFinitePolicy.Skip)
            {
                skipped++;
            }
            else
            {
                throw new NonFiniteTrainingException("the loss", step, epoch);
            }
            Schedule.Advance();
            onStep?.Invoke(step, value);
        }
        var (testLoss, testAccuracy) = Evaluate();
        Schedule.EndEpoch(testLoss);
        double seconds = clock.Elapsed.TotalSeconds;
        LastEffectiveLearningRates = Optimizer is AdaptiveOptimizer ours ? EffectiveLearningRates.ByLayer(ours) : [];
        var metrics = new EpochMetrics(epoch, lossCount > 0 ? lossSum / lossCount : double.NaN, testLoss, testAccuracy, seconds, dataClock.Elapsed.TotalSeconds,
                                       EffectiveLearningRates.Distribution(LastEffectiveLearningRates), firstLearningRate, skipped);
        History = History.Add(metrics);
        NativeHeap.ReturnFreeMemory();
        return metrics;
    }

    /// <summary>
    /// The optimizer's step after the plan's non-finite check; false when the step was skipped. Ours
    /// checks its gradients itself (and clips them in its chain); for TorchSharp's built-in
    /// optimizers the gradients are checked with torch ops, then clipped by torch's clip functions.
    /// </summary>
    private bool StepOptimizer(long step, int epoch)
    {
        if (Optimizer is AdaptiveOptimizer ours)
        {
            long skippedBefore = ours.SkippedSteps;
            try
            {
                ours.step();
            }
            catch (NonFiniteGradientException e)
            {
                throw new NonFiniteTrainingException($"the gradient of parameter '{e.Parameter}'", step, epoch);
            }
            return ours.SkippedSteps == skippedBefore;
        }
        if (Plan.NonFinite != NonFinitePolicy.None && FirstNonFiniteGradient() is { } parameter)
        {
            if (Plan.NonFinite == NonFinitePolicy.Skip) return false;
            throw new NonFiniteTrainingException($"the gradient of parameter '{parameter}'", step, epoch);
        }
        if (Plan.Transforms.OfType<ClipByValue>().FirstOrDefault() is { } clip) nn.utils.clip_grad_value_(Model.parameters(), clip.Limit);
        if (Plan.Transforms.OfType<ClipByGlobalNorm>().FirstOrDefault() is { } norm) nn.utils.clip_grad_norm_(Model.parameters(), norm.MaxNorm);
        Optimizer.step();
        return true;
    }

    private string? FirstNonFiniteGradient()
    {
        foreach (var (name, parameter) in Model.named_parameters())
        {
            if (parameter.grad is { } gradient && !gradient.isfinite().all().item<bool>()) return name;
        }
        return null;
    }

    /// <summary>The injected fault: the first parameter's gradient becomes NaN.</summary>
    private void PoisonGradient()
    {
        using var noGrad = no_grad();
        Model.parameters().First().grad!.mul_(float.NaN);
    }

    /// <summary>The mean loss of the training examples at <paramref name="indices"/>, in training mode (dropout on), ready for backward.</summary>
    public Tensor TrainingLoss(Tensor indices)
    {
        Model.train();
        TrainingView();
        using var images = Data.Train.Inputs(indices);
        using var labels = Data.Train.Targets.index_select(0, indices);
        return Loss(Model.forward(images), labels);
    }

    /// <summary>The batch's mean loss under the data's objective.</summary>
    private Tensor Loss(Tensor output, Tensor targets) =>
        Data.Objective == Objective.Classification ? F.nll_loss(output, targets) : output.mean();

    /// <summary>
    /// Mean loss and accuracy (NaN when the objective has none) over the test split, without dropout, at the optimizer's
    /// evaluation point (Schedule-Free's x): the parameters stay there, so that the checkpoint written next holds the model
    /// to use; the next epoch moves them back to the training point.
    /// </summary>
    public (double Loss, double Accuracy) Evaluate()
    {
        Model.eval();
        EvaluationView();
        using var noGrad = no_grad();
        double lossSum = 0;
        long correct = 0;
        // A test batch larger than the split is the whole split (and start + batch cannot overflow).
        int batchSize = Math.Min(Plan.TestBatchSize, Data.Test.Count);
        for (int start = 0; start < Data.Test.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(batchSize, Data.Test.Count - start);
            var images = Data.Test.Inputs(start, size);
            var labels = Data.Test.Targets.narrow(0, start, size);
            var output = Model.forward(images);
            if (Data.Objective == Objective.Classification)
            {
                lossSum += F.nll_loss(output, labels, reduction: nn.Reduction.Sum).item<float>();
                correct += output.argmax(1).eq(labels).sum().item<long>();
            }
            else
            {
                lossSum += output.sum().item<float>();
            }
        }
        double accuracy = Data.Objective == Objective.Classification ? (double)correct / Data.Test.Count : double.NaN;
        return (lossSum / Data.Test.Count, accuracy);
    }

    /// <summary>Schedule-Free's eval(): the parameters to x (nothing for algorithms with one view and for TorchSharp's optimizers).</summary>
    private void EvaluationView()
    {
        if (Optimizer is AdaptiveOptimizer ours) ours.eval();
    }

    /// <summary>Schedule-Free's train(): the parameters back to y before a step.</summary>
    private void TrainingView()
    {
        if (Optimizer is AdaptiveOptimizer ours) ours.train();
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

using System.Collections.Immutable;
using AdaptiveLR.Cli.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptiveLR.Cli.LrFind;

/// <summary>
/// Runs the range test on a trainer's model and optimizer, then puts both back exactly as they
/// were — every weight and buffer, the optimizer's state and learning rates, and torch's generator
/// (dropout) — so that training afterwards gives the numbers it would have given without the test.
/// </summary>
public static class LrRangeTest
{
    public sealed record Result(ImmutableArray<LrRangePoint> Points, bool Diverged, LrSuggestions Suggestions);

    /// <param name="onStep">Called after every batch (progress).</param>
    public static Result Run(Trainer trainer, LrRangeTestSettings settings, Action? onStep = null)
    {
        using var restore = Snapshot.Take(trainer);
        var points = ImmutableArray.CreateBuilder<LrRangePoint>(settings.Steps);
        double average = 0, best = double.PositiveInfinity;
        bool diverged = false;
        long[] order = [];
        for (int step = 0; step < settings.Steps; step++)
        {
            int batchesPerPass = Math.Max(1, trainer.Data.Train.Count / trainer.Plan.BatchSize);
            // Passes over the training data in the run's shuffled order, each pass reshuffled.
            if (step % batchesPerPass == 0) order = Trainer.ShuffledOrder(trainer.Data.Train.Count, trainer.Plan.Seed + step / batchesPerPass);
            int start = step % batchesPerPass * trainer.Plan.BatchSize, size = Math.Min(trainer.Plan.BatchSize, order.Length - start);
            double lr = settings.LearningRate(step);
            foreach (var group in trainer.Optimizer.ParamGroups) group.LearningRate = lr;

            double loss;
            using (var scope = NewDisposeScope())
            {
                trainer.Optimizer.zero_grad();
                var batchLoss = trainer.TrainingLoss(tensor(order[start..(start + size)]));
                loss = batchLoss.item<float>();
                if (double.IsFinite(loss))
                {
                    batchLoss.backward();
                    trainer.Optimizer.step();
                }
            }
            average = settings.Smoothing * average + (1 - settings.Smoothing) * loss;
            double smoothed = average / (1 - Math.Pow(settings.Smoothing, step + 1));
            points.Add(new LrRangePoint(step + 1, lr, loss, smoothed));
            onStep?.Invoke();
            if (!double.IsFinite(smoothed) || smoothed > settings.DivergenceFactor * best)
            {
                diverged = true;
                break;
            }
            best = Math.Min(best, smoothed);
        }
        var result = points.ToImmutable();
        return new Result(result, diverged, LrSuggestions.From(result));
    }

    /// <summary>Everything the test changes, copied before it, written back on dispose.</summary>
    private sealed class Snapshot : IDisposable
    {
        private readonly Trainer trainer;
        private readonly (string Name, Tensor Value)[] state;
        private readonly byte[] optimizerState;
        private readonly double[] learningRates;
        private readonly Tensor generator;

        private Snapshot(Trainer trainer)
        {
            this.trainer = trainer;
            state = [.. trainer.Model.state_dict().Select(entry => (entry.Key, entry.Value.detach().clone()))];
            var buffer = new MemoryStream();
            using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) trainer.Optimizer.save_state_dict(writer);
            optimizerState = buffer.ToArray();
            learningRates = [.. trainer.Optimizer.ParamGroups.Select(g => g.LearningRate)];
            generator = get_rng_state();
        }

        public static Snapshot Take(Trainer trainer) => new(trainer);

        public void Dispose()
        {
            var current = trainer.Model.state_dict();
            using (no_grad())
            {
                foreach (var (name, value) in state) current[name].copy_(value);
            }
            trainer.Optimizer.load_state_dict(new BinaryReader(new MemoryStream(optimizerState)));
            int i = 0;
            foreach (var group in trainer.Optimizer.ParamGroups) group.LearningRate = learningRates[i++];
            trainer.Optimizer.zero_grad();
            set_rng_state(generator);
            generator.Dispose();
            foreach (var (_, value) in state) value.Dispose();
        }
    }
}

using System.Diagnostics;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch.Benchmarking;

/// <summary>
/// Measures <c>step()</c> of our adapter against TorchSharp's built-in optimizer on the same float32
/// parameters and gradients, and the memory-traffic floor, in one process.
/// </summary>
/// <remarks>
/// This shared VM throttles: absolute times drift by several × within a minute. So every figure is a
/// ratio of neighbours in time: each round times a block of our steps, of TorchSharp's and of a plain
/// copy (the floor) back to back, in every order in turn; the reported ratios are medians of the
/// per-round ratios, with their interquartile range. The early window (our first steps, before tier-up)
/// and the late window (the rounds, after at least <see cref="SettleSeconds"/> of stepping, past tiered
/// compilation's promotion to tier 1 and dynamic PGO) are reported apart, each as a multiple of the
/// floor measured alongside, so a kernel whose code gets worse after tier-up shows as late / early
/// well above 1 whatever the VM's speed at either moment.
/// </remarks>
public static class StepBenchmark
{
    /// <summary>How long the steps run before the timed rounds: tier-up (30 calls, then a 100 ms delay and a background compile) is well past.</summary>
    public const double SettleSeconds = 1.5;

    /// <summary>Steps in the early window.</summary>
    private const int EarlySteps = 8;

    /// <summary>The hyperparameters benchmarked for an algorithm: its defaults, with momentum 0.9 for SGD.</summary>
    public static Hyperparameters Configuration(Hyperparameters defaults) =>
        defaults is SgdHyperparameters sgd ? sgd with { Momentum = 0.9 } : defaults;

    /// <summary>Times our step against TorchSharp's built-in (where it has one) and the copy floor on <paramref name="parameters"/> float32 elements in <paramref name="layout"/>.</summary>
    /// <remarks>
    /// With compressed state (<paramref name="precision"/> bf16 or int8) the floor is still float32 state's, and each
    /// round also times our step on float32 state, so that the table shows what the fewer bytes buy.
    /// </remarks>
    public static BenchmarkResult Run(Hyperparameters hyperparameters, long parameters, string layout, int repeats = 18, bool oneCore = false, int torchThreads = 0,
                                      string clock = BenchmarkClock.Wall, StatePrecision precision = StatePrecision.Float32)
    {
        // LibTorch's intra-op threads for TorchSharp's side (0: its default, one per core).
        if (torchThreads > 0) set_num_threads(torchThreads);
        using var scope = NewDisposeScope();
        long[][] shapes = BenchmarkLayout.TensorShapes(layout, parameters);
        var generator = new Generator().manual_seed(1);
        Parameter[] ours = [.. shapes.Select(shape => new Parameter(randn(shape, generator: generator)))];
        Parameter[] theirs = [.. ours.Select(p => new Parameter(p.detach().clone()))];
        foreach (var (mine, other) in ours.Zip(theirs))
        {
            var gradient = randn(mine.shape, generator: generator) * 1e-2;
            mine.grad = gradient.clone();
            other.grad = gradient.clone();
        }

        using var adapter = new AdaptiveOptimizer(ours.Select((p, i) => ($"p{i}", p)), new Pure.Transforms.OptimizerChain(hyperparameters, []), precision)
        {
            ShareCoresFrom = oneCore ? int.MaxValue : AdaptiveOptimizer.ShareLargeStepsFrom,
        };
        bool compressed = precision != StatePrecision.Float32;
        Parameter[] floatOnes = compressed ? [.. ours.Select(p => { var copy = new Parameter(p.detach().clone()); copy.grad = p.grad!.clone(); return copy; })] : [];
        using var float32Adapter = compressed
            ? new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup(floatOnes)], hyperparameters) { ShareCoresFrom = oneCore ? int.MaxValue : AdaptiveOptimizer.ShareLargeStepsFrom }
            : null;
        // Lion, AdaBelief, Yogi and Adafactor have no TorchSharp counterpart: ours alone, TorchSharp's time is NaN.
        using var builtin = TorchBuiltinOptimizers.Has(hyperparameters) ? TorchBuiltinOptimizers.Create(hyperparameters, theirs) : null;
        using var copy = FloorCopy(hyperparameters, shapes, oneCore);

        var settling = Stopwatch.StartNew();
        var ourSide = new Side(() => adapter.step(), clock);
        var copySide = new Side(copy.Run, clock);
        // The early window alternates single steps with copies, so that its ratio to the floor is as immune to the VM's drift as the rounds'.
        var (early, earlyCopies) = (new double[EarlySteps], new double[EarlySteps]);
        for (int i = 0; i < EarlySteps; i++) (early[i], earlyCopies[i]) = (ourSide.Time(), copySide.Time());
        Side? torchSide = builtin is null ? null : new Side(() =>
        {
            using var stepScope = NewDisposeScope();
            builtin.step();
        }, clock);
        Side? float32Side = float32Adapter is null ? null : new Side(() => float32Adapter.step(), clock);
        while (settling.Elapsed.TotalSeconds < SettleSeconds || ourSide.Calls < 60)
        {
            ourSide.Time();
            if (ourSide.Calls % 4 == 0) float32Side?.Time();
            if (ourSide.Calls % 4 == 0) torchSide?.Time();
            if (ourSide.Calls % 8 == 0) copySide.Time();
        }

        // A block lasts about 20 ms (at least one step), so that a round is short against the drift.
        Side[] sides = [ourSide, .. torchSide is null ? Array.Empty<Side>() : [torchSide], .. float32Side is null ? Array.Empty<Side>() : [float32Side], copySide];
        foreach (var side in sides) side.PlanBlock(targetMs: 20);
        // Every order of the sides in turn, so that each follows each other equally often (a side run
        // right after TorchSharp's step competes with its threads winding down).
        Side[][] orders = [.. Orders(sides)];
        var rounds = new List<Round>(repeats);
        for (int round = 0; round < repeats; round++)
        {
            var medians = new Dictionary<Side, double>();
            foreach (var side in orders[round % orders.Length]) medians[side] = side.TimeBlock();
            rounds.Add(new Round(medians[ourSide], torchSide is null ? double.NaN : medians[torchSide], medians[copySide],
                                 float32Side is null ? double.NaN : medians[float32Side]));
        }
        // The rounds mix in TorchSharp's steps, which allocate managed wrappers; ours must not: counted alone.
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < 5; i++) adapter.step();
        double oursAllocated = (GC.GetTotalAllocatedBytes(precise: true) - before) / 5.0;

        double bytes = BytesPerStep(hyperparameters, shapes);
        double[] floors = [.. rounds.Select(r => bytes / copy.BytesPerCopy * r.CopyMs)];
        double[] timesFloor = [.. rounds.Select((r, i) => r.OursMs / floors[i])];
        double[] speedups = [.. rounds.Select(r => r.TorchMs / r.OursMs)];
        double oursMs = Statistics.Median([.. rounds.Select(r => r.OursMs)]);
        return new BenchmarkResult(hyperparameters.Algorithm, parameters, layout, shapes.Length,
            OursMs: oursMs,
            OursSpread: Statistics.Quartiles([.. rounds.Select(r => r.OursMs)]),
            TorchMs: builtin is null ? double.NaN : Statistics.Median([.. rounds.Select(r => r.TorchMs)]),
            Speedup: builtin is null ? double.NaN : Statistics.Median(speedups),
            SpeedupSpread: builtin is null ? (double.NaN, double.NaN) : Statistics.Quartiles(speedups),
            FloorMs: Statistics.Median(floors),
            TimesFloor: Statistics.Median(timesFloor),
            TimesFloorSpread: Statistics.Quartiles(timesFloor),
            EarlyMs: Statistics.Median(early),
            EarlyTimesFloor: Statistics.Median(early) / (bytes / copy.BytesPerCopy * Statistics.Median(earlyCopies)),
            BytesPerStep: bytes,
            CopyGigabytesPerSecond: copy.BytesPerCopy / Statistics.Median([.. rounds.Select(r => r.CopyMs)]) / 1e6,
            OursAllocatedBytesPerStep: oursAllocated,
            Rounds: rounds.Count)
        {
            StatePrecision = AdaptiveOptimizer.Name(precision),
            StateBytesPerParameter = adapter.StateBytesPerParameter(),
            OverOursFloat32 = compressed ? Statistics.Median([.. rounds.Select(r => r.OursMs / r.OursFloat32Ms)]) : double.NaN,
            OverOursFloat32Spread = compressed ? Statistics.Quartiles([.. rounds.Select(r => r.OursMs / r.OursFloat32Ms)]) : (double.NaN, double.NaN),
        };
    }

    private static IEnumerable<Side[]> Orders(Side[] sides) =>
        sides.Length <= 1 ? [sides] : sides.SelectMany((first, i) => Orders([.. sides.Where((_, j) => j != i)]).Select(rest => (Side[])[first, .. rest]));

    /// <summary>One round's ms per step of each side.</summary>
    private sealed record Round(double OursMs, double TorchMs, double CopyMs, double OursFloat32Ms);

    /// <summary>One thing being timed, step by step or in blocks.</summary>
    private sealed class Side(Action step, string clock)
    {
        private readonly List<double> recent = [];
        private int block = 1;

        public int Calls { get; private set; }

        /// <summary>Runs one step; returns its ms.</summary>
        public double Time()
        {
            double start = BenchmarkClock.NowMs(clock);
            step();
            double ms = BenchmarkClock.NowMs(clock) - start;
            Calls++;
            recent.Add(ms);
            if (recent.Count > 16) recent.RemoveAt(0);
            return ms;
        }

        public void PlanBlock(double targetMs)
        {
            if (recent.Count == 0) Time();
            block = (int)Math.Clamp(Math.Ceiling(targetMs / Math.Max(Statistics.Median([.. recent]), 1e-4)), 1, 100_000);
        }

        /// <summary>The mean ms per step of a block of consecutive steps after a first untimed one, timed as a whole (a small step is shorter than the clock's resolution).</summary>
        public double TimeBlock()
        {
            // One untimed step first: the other sides' blocks have evicted this side's data from the caches.
            step();
            Calls++;
            double start = BenchmarkClock.NowMs(clock);
            for (int i = 0; i < block; i++) step();
            Calls += block;
            return (BenchmarkClock.NowMs(clock) - start) / block;
        }
    }

    /// <summary>
    /// The floor's copy for a step on <paramref name="shapes"/>: its two buffers together hold as many bytes as the step's parameters,
    /// gradients and float32 state (a compressed step's floor is float32 state's), on one core when <paramref name="oneCore"/>.
    /// </summary>
    internal static CopyBandwidth FloorCopy(Hyperparameters hyperparameters, long[][] shapes, bool oneCore)
    {
        long footprint = shapes.Sum(shape => sizeof(float) * (2L * MatrixView.Of(shape).Length + StateLength(hyperparameters, shape)));
        return new CopyBandwidth(footprint / (2 * sizeof(float)), oneCore);
    }

    /// <summary>
    /// What one step must move: read the parameter, the gradient and each state buffer; write the
    /// parameter and each state buffer (Adafactor's factored state is a row and a column per matrix).
    /// </summary>
    public static double BytesPerStep(Hyperparameters hyperparameters, long[][] shapes) =>
        shapes.Sum(shape => (double)sizeof(float) * (3L * MatrixView.Of(shape).Length + 2 * StateLength(hyperparameters, shape)));

    /// <summary>Floats of state one tensor of <paramref name="shape"/> keeps.</summary>
    private static long StateLength(Hyperparameters hyperparameters, long[] shape)
    {
        var view = MatrixView.Of(shape);
        return hyperparameters switch
        {
            TensorHyperparameters tensorLevel => Enumerable.Range(0, 3).Sum(slot => (long)tensorLevel.SlotLength(slot, view)),
            StagedHyperparameters staged => (long)view.Length * staged.SlotsFor(shape).Count(slot => slot is not null),
            _ => (long)view.Length * hyperparameters.Slots.Count(slot => slot is not null),
        };
    }
}

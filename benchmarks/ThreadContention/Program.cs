using System.Diagnostics;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

// Does the adapter's worker make a step slower when LibTorch's threads are busy? Adam over the
// 50-tensor model layout (the layout that shares from 4M elements), the same step with core
// sharing (ShareCoresFrom = default) and without (int.MaxValue), timed in alternating blocks in one
// process, under four conditions:
//   quiet      nothing else runs in this process;
//   after-op   each step follows a parallel LibTorch op on the same thread (a training loop: the
//              pool's threads are still spinning when the step starts);
//   pool-busy  another thread keeps LibTorch's intra-op pool busy with matrix products throughout;
//   budget-1   torch.set_num_threads(1) (--threads 1): the adapter must not share at all.
// Run it as well with two busy loops beside it (yes > /dev/null &, twice) for the machine-busy case.
// Usage: dotnet run -c Release --project benchmarks/ThreadContention [PARAMETERS] [BLOCKS]
long parameters = args.Length > 0 ? long.Parse(args[0]) : 10_000_000;
int blocks = args.Length > 1 ? int.Parse(args[1]) : 9;
const int StepsPerBlock = 5, Tensors = 50;

var generator = new TorchSharp.torch.Generator().manual_seed(1);
AdaptiveOptimizer Optimizer(int shareFrom)
{
    Parameter[] tensors = [.. Enumerable.Range(0, Tensors).Select(_ => new Parameter(randn([parameters / Tensors], generator: generator)))];
    foreach (var p in tensors) p.grad = randn(p.shape, generator: generator) * 1e-2;
    return new AdaptiveOptimizer([new AdaptiveOptimizer.ParamGroup(tensors)], new AdamHyperparameters()) { ShareCoresFrom = shareFrom };
}

var shared = Optimizer(AdaptiveOptimizer.ShareLargeStepsFrom);
var alone = Optimizer(int.MaxValue);
using var a = randn([384, 384], generator: generator);
using var b = randn([384, 384], generator: generator);
void ParallelOp()
{
    using var scope = NewDisposeScope();
    _ = a.mm(b);
}

Console.WriteLine($"Adam, {parameters / 1e6:0.#}M parameters in {Tensors} tensors, {Environment.ProcessorCount} cores, LibTorch threads {get_num_threads()}, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine("condition    shared ms  one-thread ms  shared/one-thread  (medians of blocks of 5 steps; block ranges)");
foreach (string condition in new[] { "quiet", "after-op", "pool-busy", "budget-1" })
{
    using var stop = new CancellationTokenSource();
    Thread? busy = null;
    if (condition == "pool-busy")
    {
        busy = new Thread(() =>
        {
            while (!stop.IsCancellationRequested) ParallelOp();
        })
        { IsBackground = true };
        busy.Start();
    }
    int threadsBefore = get_num_threads();
    if (condition == "budget-1") set_num_threads(1);
    bool afterOp = condition == "after-op";
    for (int i = 0; i < 3; i++)
    {
        Block(shared, afterOp);
        Block(alone, afterOp);
    }
    var (withSharing, without) = (new List<double>(), new List<double>());
    for (int i = 0; i < blocks; i++)
    {
        // Both orders, so that drift and "runs right after the other" favour neither.
        if (i % 2 == 0) withSharing.Add(Block(shared, afterOp));
        without.Add(Block(alone, afterOp));
        if (i % 2 == 1) withSharing.Add(Block(shared, afterOp));
    }
    stop.Cancel();
    busy?.Join();
    set_num_threads(threadsBefore);
    Console.WriteLine($"{condition,-10} {Median(withSharing),10:F2} {Median(without),14:F2} {Median(withSharing) / Median(without),18:F2}   [{withSharing.Min():F2}–{withSharing.Max():F2}] vs [{without.Min():F2}–{without.Max():F2}]");
}

// Milliseconds per step of the step alone (a preceding LibTorch op, if any, is not timed).
double Block(AdaptiveOptimizer optimizer, bool afterOp)
{
    double total = 0;
    for (int i = 0; i < StepsPerBlock; i++)
    {
        if (afterOp) ParallelOp();
        long start = Stopwatch.GetTimestamp();
        optimizer.step();
        total += Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
    return total / StepsPerBlock;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Torch;
using AdaptiveLR.Torch.Benchmarking;
using TorchSharp.Modules;
using static TorchSharp.torch;

// Where the time of one optimizer step goes, on `bench`'s shapes, one core, process CPU time. One
// process per algorithm and layout; every variant is timed in blocks, round after round, and each
// figure is the median over rounds of its ratio to the copy floor of the same round:
//   step      AdaptiveOptimizer.step(): what `bench` times
//   kernel    the same fused kernel (FusedStep.Apply) over the same memory, tensor by tensor, the
//             pointers read once: step − kernel is the adapter's per-step and per-tensor cost
//   traffic   the same loads and stores over the same memory with two multiply-adds per buffer in
//             place of the rule's arithmetic: what moving these bytes in this layout costs
//   compute   the rule on 4,096 elements (in L1) as many times as the parameters hold: the arithmetic
//             with (almost) no memory traffic
//   traffic+libtorch  traffic, then the LibTorch calls the adapter makes per step (gradient handles,
//             dtype, device, layout, sizes, data pointers), which the pass has evicted from the caches:
//             minus traffic, what reading the tensors' metadata costs within a step
//   libtorch-warm     the same calls alone, back to back (their metadata in cache)
//   floor     `bench`'s floor: the bytes the step must move at the bandwidth of a plain copy of the step's footprint
// Usage: dotnet run -c Release --project benchmarks/KernelAnatomy -- ALGORITHM LAYOUT [PARAMETERS] [ROUNDS]
// (element-wise algorithms). ANATOMY_ONLY=VARIANT runs that variant alone for 8 s, for a profiler.
string algorithm = args.Length > 0 ? args[0] : "amsgrad";
string layout = args.Length > 1 ? args[1] : BenchmarkLayout.Model;
long total = args.Length > 2 ? long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
int rounds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 15;
set_num_threads(1);

var hyperparameters = StepBenchmark.Configuration(OptimizerRegistry.All.Single(d => d.Name == algorithm).Defaults);
long[][] shapes = BenchmarkLayout.TensorShapes(layout, total);
var generator = new Generator().manual_seed(1);
Parameter[] parameters = [.. shapes.Select(shape => new Parameter(randn(shape, generator: generator)))];
foreach (var p in parameters) p.grad = randn(p.shape, generator: generator) * 1e-2;
using var adapter = new AdaptiveOptimizer(parameters.Select((p, i) => ($"p{i}", p)), hyperparameters) { ShareCoresFrom = int.MaxValue };
adapter.step();

var tensorLevel = hyperparameters as TensorHyperparameters;
// Each tensor's slots: the algorithm's three, or a tensor-level algorithm's for its shape (Adafactor: row and column factors of a matrix).
System.Collections.Immutable.ImmutableArray<StateSlot?> SlotsOf(AdaptiveOptimizer.State s) =>
    tensorLevel?.SlotsFor(MatrixView.Of(s.Parameter.shape)) ?? hyperparameters.Slots;
int SlotLength(AdaptiveOptimizer.State s, int k) =>
    tensorLevel?.SlotLength(k, MatrixView.Of(s.Parameter.shape)) ?? (SlotsOf(s)[k] is null ? 0 : (int)s.Parameter.numel());
var memory = adapter.States.Select(s => new Memory(
    NativeTensor.Data(s.Parameter.Handle), NativeTensor.Data(s.Parameter.grad!.Handle),
    [.. SlotsOf(s).Select(slot => slot is null ? IntPtr.Zero : NativeTensor.Data(s[slot.Name].Handle))],
    [.. Enumerable.Range(0, 3).Select(k => SlotLength(s, k))],
    (int)s.Parameter.numel(), MatrixView.Of(s.Parameter.shape))).ToArray();
IntPtr[][] slotHandles = [.. adapter.States.Select(s => SlotsOf(s).Where(slot => slot is not null).Select(slot => s[slot!.Name].Handle).ToArray())];
IntPtr[] grads = new IntPtr[parameters.Length];
using var copy = StepBenchmark.FloorCopy(hyperparameters, shapes, oneCore: true);
long step = 1;

var variants = new (string Name, Action Run)[]
{
    ("step", () => adapter.step()),
    ("kernel", () => Kernel(memory, hyperparameters.ContextFor(++step))),
    ("traffic", () => Traffic(memory)),
    ("compute", () => Compute(memory[0], total, hyperparameters.ContextFor(++step))),
    ("traffic+libtorch", () => { Traffic(memory); LibTorchCalls(parameters, slotHandles, grads); }),
    ("libtorch-warm", () => LibTorchCalls(parameters, slotHandles, grads)),
    ("copy", copy.Run),
};
double bytes = StepBenchmark.BytesPerStep(hyperparameters, shapes);
if (Environment.GetEnvironmentVariable("ANATOMY_ONLY") is { } only)
{
    var loop = System.Diagnostics.Stopwatch.StartNew();
    var chosen = variants.Single(v => v.Name == only).Run;
    while (loop.Elapsed.TotalSeconds < 8) chosen();
    return 0;
}

// Past tier-up (30 calls, then a background compile) for every variant.
var settle = System.Diagnostics.Stopwatch.StartNew();
while (settle.Elapsed.TotalSeconds < 1.5) foreach (var (_, run) in variants) run();
int[] block = [.. variants.Select(v => Block(v.Run))];
var ratios = variants.ToDictionary(v => v.Name, _ => new List<double>());
var ms = variants.ToDictionary(v => v.Name, _ => new List<double>());
for (int round = 0; round < rounds; round++)
{
    var times = new double[variants.Length];
    for (int k = 0; k < variants.Length; k++)
    {
        int v = (k + round) % variants.Length;
        variants[v].Run();
        double start = BenchmarkClock.NowMs(BenchmarkClock.Cpu);
        for (int i = 0; i < block[v]; i++) variants[v].Run();
        times[v] = (BenchmarkClock.NowMs(BenchmarkClock.Cpu) - start) / block[v];
    }
    double floor = bytes / copy.BytesPerCopy * times[^1];
    for (int v = 0; v < variants.Length; v++)
    {
        ms[variants[v].Name].Add(times[v]);
        ratios[variants[v].Name].Add(v == variants.Length - 1 ? floor : times[v] / floor);
    }
}
string Cell(string name) => name == "copy"
    ? $"floor {Statistics.Median([.. ratios[name]]):0.000} ms"
    : $"{name} {Statistics.Median([.. ms[name]]):0.000} ms {Statistics.Median([.. ratios[name]]):0.00}× ({Statistics.Quartiles([.. ratios[name]]).Item1:0.00}–{Statistics.Quartiles([.. ratios[name]]).Item2:0.00})";
Console.WriteLine($"{algorithm} {total} {layout} {shapes.Length} tensors | {string.Join(" | ", variants.Select(v => Cell(v.Name)))}");
return 0;

static int Block(Action run)
{
    double start = BenchmarkClock.NowMs(BenchmarkClock.Cpu);
    int n = 0;
    while (BenchmarkClock.NowMs(BenchmarkClock.Cpu) - start < 20 || n < 3)
    {
        run();
        n++;
    }
    return n;
}

void Kernel(Memory[] tensors, StepContext context)
{
    foreach (var t in tensors)
        unsafe
        {
            var parameter = new Span<float>((float*)t.Parameter, t.Length);
            var gradient = new ReadOnlySpan<float>((float*)t.Gradient, t.Length);
            if (tensorLevel is not null) tensorLevel.Step(context, t.View, parameter, gradient, Slot(t, 0), Slot(t, 1), Slot(t, 2));
            else FusedStep.Apply(hyperparameters, context, parameter, gradient, Slot(t, 0), Slot(t, 1), Slot(t, 2));
        }
}

// Tensor-level algorithms read whole tensors: their arithmetic is not timed apart.
void Compute(Memory tensor, long elements, StepContext context)
{
    if (tensorLevel is not null) return;
    const int Resident = 4096;
    unsafe
    {
        var p = new Span<float>((float*)tensor.Parameter, Resident);
        var g = new ReadOnlySpan<float>((float*)tensor.Gradient, Resident);
        Span<float> s0 = Slot(tensor, 0)[..Math.Min(Resident, Slot(tensor, 0).Length)], s1 = Slot(tensor, 1)[..Math.Min(Resident, Slot(tensor, 1).Length)],
                    s2 = Slot(tensor, 2)[..Math.Min(Resident, Slot(tensor, 2).Length)];
        for (long done = 0; done < elements; done += Resident) FusedStep.Apply(hyperparameters, context, p, g, s0, s1, s2);
    }
}

static unsafe Span<float> Slot(Memory t, int k) => t.Slots[k] == IntPtr.Zero ? [] : new Span<float>((float*)t.Slots[k], t.SlotLengths[k]);

// Two multiply-adds per buffer: the rule's loads and stores without its arithmetic (buffers as long as the parameter; a factored matrix's row and column factors are not counted, as the floor does not count them).
static unsafe void Traffic(Memory[] tensors)
{
    var a = Vector512.Create(0.9f);
    var b = Vector512.Create(0.1f);
    foreach (var t in tensors)
    {
        IntPtr[] full = t.FullLengthSlots;
        int used = full.Length, length = t.Length;
        float* p = (float*)t.Parameter, g = (float*)t.Gradient;
        float* s0 = used > 0 ? (float*)full[0] : null, s1 = used > 1 ? (float*)full[1] : null, s2 = used > 2 ? (float*)full[2] : null;
        int i = 0;
        for (; i + 16 <= length; i += 16)
        {
            var gradient = Vector512.Load(g + i);
            var parameter = Vector512.Load(p + i);
            if (used > 0) Vector512.Store(Vector512.FusedMultiplyAdd(a, Vector512.Load(s0 + i), b * gradient), s0 + i);
            if (used > 1) Vector512.Store(Vector512.FusedMultiplyAdd(a, Vector512.Load(s1 + i), b * gradient), s1 + i);
            if (used > 2) Vector512.Store(Vector512.FusedMultiplyAdd(a, Vector512.Load(s2 + i), b * gradient), s2 + i);
            Vector512.Store(Vector512.FusedMultiplyAdd(b, gradient, parameter * a), p + i);
        }
        for (; i < length; i++)
        {
            if (used > 0) s0[i] = 0.9f * s0[i] + 0.1f * g[i];
            if (used > 1) s1[i] = 0.9f * s1[i] + 0.1f * g[i];
            if (used > 2) s2[i] = 0.9f * s2[i] + 0.1f * g[i];
            p[i] = 0.9f * p[i] + 0.1f * g[i];
        }
    }
}

// The calls AdaptiveOptimizer.step makes per tensor on the float32 path, in its order.
static void LibTorchCalls(Parameter[] parameters, IntPtr[][] slotHandles, IntPtr[] grads)
{
    for (int i = 0; i < parameters.Length; i++)
    {
        IntPtr p = parameters[i].Handle;
        IntPtr g = grads[i] = NativeTensor.Gradient(p);
        _ = NativeTensor.IsSparse(g);
        _ = NativeTensor.ElementCount(g) + NativeTensor.ElementCount(p);
    }
    for (int i = 0; i < parameters.Length; i++)
    {
        IntPtr p = parameters[i].Handle, g = grads[i];
        _ = NativeTensor.ScalarType(p) + NativeTensor.DeviceType(p) + (NativeTensor.IsSparse(p) ? 1 : 0) + (NativeTensor.IsContiguous(p) ? 1 : 0);
        _ = NativeTensor.ScalarType(g) + NativeTensor.DeviceType(g) + (NativeTensor.IsSparse(g) ? 1 : 0) + (NativeTensor.IsContiguous(g) ? 1 : 0);
        _ = NativeTensor.Data(p) + NativeTensor.Data(g) + NativeTensor.ElementCount(p);
        foreach (var slot in slotHandles[i]) _ = NativeTensor.Data(slot);
    }
    foreach (var g in grads) NativeTensor.Dispose(g);
}

internal sealed record Memory(IntPtr Parameter, IntPtr Gradient, IntPtr[] Slots, int[] SlotLengths, int Length, MatrixView View)
{
    /// <summary>The slots as long as the parameter (what the floor counts), in slot order.</summary>
    public IntPtr[] FullLengthSlots { get; } = [.. Enumerable.Range(0, 3).Where(k => Slots[k] != IntPtr.Zero && SlotLengths[k] == Length).Select(k => Slots[k])];
}

using System.Diagnostics;
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Transforms;
using AdaptiveLR.Torch;
using TorchSharp;
using static TorchSharp.torch;

// Where the optimizer matters end to end: an MLP trained with Adam on random batches, TorchSharp's
// built-in Adam against ours (float32, bfloat16 and 8-bit state), each on its own copy of the same
// model. Blocks of steps of each configuration alternate in one process (every order in turn), so that
// the VM's drift falls on all alike; each step is timed in two parts, forward + backward and step().
// Reported: medians over blocks of ms per training step, the optimizer's share of it, and each
// configuration's whole step against TorchSharp's.
// Usage: dotnet run -c Release --project benchmarks/EndToEndStep [HIDDEN] [STEPS] [THREADS]
//   HIDDEN 1024: 784→1024→1024→10 (1.86M parameters); 4096: 784→4096→4096→10 (19.98M).
int hidden = args.Length > 0 ? int.Parse(args[0]) : 4096;
int steps = args.Length > 1 ? int.Parse(args[1]) : 300;
if (args.Length > 2) set_num_threads(int.Parse(args[2]));
const int Batch = 256, BlockSteps = 10;

manual_seed(1);
var template = Mlp(hidden);
long parameterCount = template.parameters().Sum(p => p.numel());
var configurations = new List<Configuration>
{
    new("TorchSharp Adam", m => optim.Adam(m.parameters())),
    new("ours fp32", m => new AdaptiveOptimizer(m.named_parameters(), new OptimizerChain(new AdamHyperparameters(), []), StatePrecision.Float32)),
    new("ours bf16", m => new AdaptiveOptimizer(m.named_parameters(), new OptimizerChain(new AdamHyperparameters(), []), StatePrecision.BFloat16)),
    new("ours int8", m => new AdaptiveOptimizer(m.named_parameters(), new OptimizerChain(new AdamHyperparameters(), []), StatePrecision.Int8)),
};
foreach (var c in configurations) c.Start(template, hidden);

var generator = new TorchSharp.torch.Generator().manual_seed(2);
using var inputs = randn([Batch, 784], generator: generator);
using var labels = randint(10, [Batch], generator: generator);

Console.WriteLine($"MLP 784→{hidden}→{hidden}→10, {parameterCount / 1e6:0.00}M parameters, batch {Batch}, {steps} steps each, LibTorch threads {get_num_threads()}, " +
                  $"{Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
for (int block = 0; block < steps / BlockSteps; block++)
{
    // Every configuration goes first, second, … equally often.
    for (int k = 0; k < configurations.Count; k++)
        configurations[(block + k) % configurations.Count].RunBlock(inputs, labels, BlockSteps);
}

var reference = configurations[0];
Console.WriteLine();
Console.WriteLine("| optimizer | ms per training step | forward + backward ms | step() ms | optimizer share | whole step vs TorchSharp |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var c in configurations)
{
    double total = Median(c.Totals), step = Median(c.Steps), share = Median([.. c.Steps.Zip(c.Totals, (s, t) => s / t)]);
    double saving = Median([.. c.Totals.Zip(reference.Totals, (mine, theirs) => theirs / mine)]);
    Console.WriteLine($"| {c.Name} | {total:F1} | {Median(c.ForwardBackward):F1} | {step:F1} | {share:P0} | {saving:F2}× |");
}
Console.WriteLine();
Console.WriteLine($"Medians over {steps / BlockSteps} blocks of {BlockSteps} steps per configuration; 'whole step vs TorchSharp' is TorchSharp's ms per training step over this one's, block by neighbouring block.");

static double Median(IReadOnlyList<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static nn.Module<Tensor, Tensor> Mlp(int hidden) =>
    nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 10));

sealed class Configuration(string name, Func<nn.Module<Tensor, Tensor>, optim.Optimizer> create)
{
    private nn.Module<Tensor, Tensor> model = null!;
    private optim.Optimizer optimizer = null!;

    public string Name { get; } = name;
    public List<double> Totals { get; } = [];
    public List<double> ForwardBackward { get; } = [];
    public List<double> Steps { get; } = [];

    public void Start(nn.Module<Tensor, Tensor> template, int hidden)
    {
        model = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 10));
        model.load_state_dict(template.state_dict());
        optimizer = create(model);
    }

    /// <summary>Ms per step over a block, in two parts: forward + backward, and step().</summary>
    public void RunBlock(Tensor inputs, Tensor labels, int count)
    {
        double forwardBackward = 0, step = 0;
        var clock = new Stopwatch();
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            clock.Restart();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(inputs), labels);
            loss.backward();
            forwardBackward += clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            optimizer.step();
            step += clock.Elapsed.TotalMilliseconds;
        }
        ForwardBackward.Add(forwardBackward / count);
        Steps.Add(step / count);
        Totals.Add((forwardBackward + step) / count);
    }
}

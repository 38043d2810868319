// What CI checks after `dotnet pack`: the packages work in a project of their own, taken by version, on TorchSharp-cpu,
// with nothing imported from the repository (TorchSharp loads on Debian 12 only if the package's build targets ran).
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Torch;
using TorchSharp;
using static TorchSharp.torch;

var failures = new List<string>();
int checks = 0;
void Check(bool passed, string what)
{
    checks++;
    Console.WriteLine($"{(passed ? "ok  " : "FAIL")} {what}");
    if (!passed) failures.Add(what);
}

torch.manual_seed(1);
var x = randn(128, 4);
var y = x.matmul(tensor(new float[] { 1, -2, 0.5f, 3 }).reshape(4, 1)) + 0.25f;

// A few training steps with Adam under OneCycleLR, which cycles β₁ (cycle_momentum is its default).
var model = nn.Linear(4, 1);
var optimizer = new AdaptiveOptimizer(model.named_parameters(), new AdamHyperparameters(Lr: 0.01));
const int steps = 60;
var scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr: 0.1, total_steps: steps);
double Loss() { using var _ = NewDisposeScope(); return nn.functional.mse_loss(model.forward(x), y).item<float>(); }
double first = Loss();
var betas = new List<double>();
void TrainStep(AdaptiveOptimizer o)
{
    using var _ = NewDisposeScope();
    o.zero_grad();
    nn.functional.mse_loss(model.forward(x), y).backward();
    o.step();
}
for (int step = 0; step < steps / 2; step++)
{
    TrainStep(optimizer);
    scheduler.step();
    betas.Add(optimizer.ParamGroups.Cast<AdaptiveOptimizer.ParamGroup>().First().Betas.Item1);
}
double middle = Loss();
Check(middle < first / 4, $"training lowers the loss ({first:F4} -> {middle:F4} in {steps / 2} steps)");
Check(betas.Max() - betas.Min() > 0.05 && betas.All(b => b is >= 0.85 and <= 0.95), $"OneCycleLR cycles beta1 within [0.85, 0.95] (seen {betas.Min():F3}..{betas.Max():F3})");

// state_dict round trip: a second optimizer loaded from the file continues exactly as the first.
string file = Path.Combine(Path.GetTempPath(), $"adaptivelr-package-check-{Guid.NewGuid():N}.bin");
try
{
    optimizer.save_state_dict(file);
    var weights = model.parameters().Select(p => p.detach().clone()).ToList();
    for (int step = 0; step < 5; step++) TrainStep(optimizer);
    var continued = model.parameters().Select(p => p.detach().clone()).ToList();

    using (no_grad())
        foreach (var (parameter, saved) in model.parameters().Zip(weights)) parameter.copy_(saved);
    var reloaded = new AdaptiveOptimizer(model.named_parameters(), new AdamHyperparameters(Lr: 0.01));
    reloaded.load_state_dict(file);
    foreach (var (mine, theirs) in reloaded.ParamGroups.Zip(optimizer.ParamGroups)) mine.LearningRate = theirs.LearningRate;
    foreach (var (mine, theirs) in reloaded.ParamGroups.Cast<AdaptiveOptimizer.ParamGroup>().Zip(optimizer.ParamGroups.Cast<AdaptiveOptimizer.ParamGroup>())) mine.Betas = theirs.Betas;
    for (int step = 0; step < 5; step++) TrainStep(reloaded);
    bool identical = model.parameters().Zip(continued).All(pair => pair.First.detach().eq(pair.Second).all().item<bool>());
    Check(identical, "save_state_dict / load_state_dict continue bit-identically");
}
finally
{
    File.Delete(file);
}

Console.WriteLine($"package check: {checks - failures.Count} passed, {failures.Count} failed");
return failures.Count == 0 ? 0 : 1;

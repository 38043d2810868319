// A linear model learns y = 3x − 1 with AdamW and a cosine schedule: the loop of the README's "From C#".
using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Torch;
using TorchSharp;
using static TorchSharp.torch;

torch.manual_seed(0);
var model = nn.Linear(1, 1);
var x = randn(256, 1);
var y = 3 * x - 1;

var optimizer = new AdaptiveOptimizer(model.named_parameters(), new AdamWHyperparameters(Lr: 0.1));
var scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max: 200);
for (int step = 1; step <= 200; step++)
{
    optimizer.zero_grad();
    using var loss = nn.functional.mse_loss(model.forward(x), y);
    loss.backward();
    optimizer.step();
    scheduler.step();
    if (step % 50 == 0) Console.WriteLine($"step {step,3}  loss {loss.item<float>():F5}");
}
Console.WriteLine($"weight {model.weight!.item<float>():F3}, bias {model.bias!.item<float>():F3}");

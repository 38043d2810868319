using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace AdaptiveLR.Cli.Training.Models;

/// <summary>
/// A multilayer perceptron with ReLU between its fully connected layers and log-softmax at the end
/// (DeepOBS's mnist_mlp shape, narrowed to fit two shared cores): the input is flattened first.
/// </summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> layers = new();

    public Mlp(long inputs, IReadOnlyList<long> hidden, long classes) : base("mlp")
    {
        long width = inputs;
        foreach (long next in hidden.Append(classes))
        {
            layers.Add(Linear(width, next));
            width = next;
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.flatten(1);
        for (int i = 0; i < layers.Count; i++)
        {
            x = layers[i].forward(x);
            if (i < layers.Count - 1) x = F.relu(x);
        }
        return F.log_softmax(x, 1).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) layers.Dispose();
        base.Dispose(disposing);
    }
}

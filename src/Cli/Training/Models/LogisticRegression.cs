using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace AdaptiveLR.Cli.Training.Models;

/// <summary>Multinomial logistic regression (DeepOBS's mnist_logreg): one linear layer on the flattened input, log-softmax.</summary>
public sealed class LogisticRegression : Module<Tensor, Tensor>
{
    private readonly Linear linear;

    public LogisticRegression(long inputs, long classes) : base("logreg")
    {
        linear = Linear(inputs, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return F.log_softmax(linear.forward(input.flatten(1)), 1).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) linear.Dispose();
        base.Dispose(disposing);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AdaptiveLR.Cli.Training.Models;

/// <summary>
/// The noisy quadratic's "model": the point θ, whose loss on an example x is
/// ½ (θ − x)ᵀ H (θ − x). The Hessian H is a fixed buffer, not a parameter: optimizers see θ alone.
/// θ starts at 1 + N(0, 0.1²) drawn from the run's seed.
/// </summary>
public sealed class QuadraticModel : Module<Tensor, Tensor>
{
    private readonly Parameter theta;
    private readonly Tensor hessian;

    public QuadraticModel(Tensor hessian) : base("quadratic")
    {
        long dimensions = hessian.shape[0];
        theta = new Parameter(ones(dimensions).add_(randn(dimensions).mul_(0.1)));
        this.hessian = hessian.clone();
        register_parameter("theta", theta);
        register_buffer("hessian", this.hessian);
    }

    /// <summary>Each row's loss ½ (θ − x)ᵀ H (θ − x), shape [N].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var difference = theta.unsqueeze(0) - input;
        return difference.matmul(hessian).mul(difference).sum(1).mul(0.5).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            theta.Dispose();
            hessian.Dispose();
        }
        base.Dispose(disposing);
    }
}

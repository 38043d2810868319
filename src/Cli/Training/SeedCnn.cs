using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// The seed's CNN (PyTorch's classic MNIST example): conv 1→10 5×5, max-pool 2, ReLU; conv 10→20
/// 5×5 with 2-D dropout, max-pool 2, ReLU; fc 320→50, ReLU, dropout; fc 50→10; log-softmax.
/// </summary>
public sealed class SeedCnn : Module<Tensor, Tensor>
{
    public const string Name = "seed-cnn";
    public const int ImageSize = 28, Classes = 10;
    private const int FlattenedFeatures = 320;

    // Field names are the layer names: named_parameters() reports conv1.weight, …
    private readonly Conv2d conv1 = Conv2d(1, 10, 5);
    private readonly Conv2d conv2 = Conv2d(10, 20, 5);
    private readonly Dropout2d conv2_drop = Dropout2d();
    private readonly Linear fc1 = Linear(FlattenedFeatures, 50);
    private readonly Linear fc2 = Linear(50, Classes);

    public SeedCnn() : base(Name) => RegisterComponents();

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = F.relu(F.max_pool2d(conv1.forward(input), 2));
        x = F.relu(F.max_pool2d(conv2_drop.forward(conv2.forward(x)), 2));
        x = F.relu(fc1.forward(x.view(-1, FlattenedFeatures)));
        x = F.dropout(x, 0.5, training);
        return F.log_softmax(fc2.forward(x), 1).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            conv2.Dispose();
            conv2_drop.Dispose();
            fc1.Dispose();
            fc2.Dispose();
        }
        base.Dispose(disposing);
    }
}

using AdaptiveLR.Cli.Training;
using TorchSharp;
using TorchSharp.Modules;

namespace AdaptiveLR.Cli.Train;

/// <summary>
/// TensorBoard event files through TorchSharp's SummaryWriter: the batch loss at every step, the
/// epoch's losses and accuracy, and histograms of the effective learning rate per layer.
/// </summary>
public sealed class TensorBoardLog(string folder)
{
    private readonly SummaryWriter writer = torch.utils.tensorboard.SummaryWriter(folder);

    public void Step(long step, double loss) => writer.add_scalar("train/batch_loss", (float)loss, checked((int)step));

    public void Epoch(EpochMetrics metrics, IEnumerable<(string Layer, float[] Rates)> effectiveLearningRates)
    {
        writer.add_scalar("epoch/train_loss", (float)metrics.TrainLoss, metrics.Epoch);
        writer.add_scalar("epoch/test_loss", (float)metrics.TestLoss, metrics.Epoch);
        writer.add_scalar("epoch/test_accuracy", (float)metrics.TestAccuracy, metrics.Epoch);
        writer.add_scalar("epoch/seconds", (float)metrics.Seconds, metrics.Epoch);
        foreach (var (layer, rates) in effectiveLearningRates)
        {
            using var values = torch.tensor(rates);
            writer.add_histogram($"effective_lr/{layer}", values, metrics.Epoch);
        }
    }
}

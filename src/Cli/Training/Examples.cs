using static TorchSharp.torch;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// A split of a problem's data: inputs the model reads, batch by batch, and one target per example
/// (a class label for classification; unused by objectives that score the model's output alone).
/// </summary>
public abstract class Examples : IDisposable
{
    /// <summary>One target per example; int64 class labels for classification.</summary>
    public abstract Tensor Targets { get; }

    public int Count => (int)Targets.shape[0];

    /// <summary>The inputs at <paramref name="indices"/>, ready for the model, in a new tensor.</summary>
    public abstract Tensor Inputs(Tensor indices);

    /// <summary>Inputs <paramref name="start"/> to <paramref name="start"/> + <paramref name="size"/>, ready for the model, in a new tensor.</summary>
    public abstract Tensor Inputs(int start, int size);

    /// <summary>The examples at <paramref name="indices"/> as a split of their own (copies; disposed separately).</summary>
    public abstract Examples Subset(long[] indices);

    public abstract void Dispose();
}

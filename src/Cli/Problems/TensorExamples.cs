using AdaptiveLR.Cli.Training;
using static TorchSharp.torch;

namespace AdaptiveLR.Cli.Problems;

/// <summary>A synthetic problem's split: float32 inputs [N, features] and targets [N], held as they are.</summary>
public sealed class TensorExamples(Tensor inputs, Tensor targets) : Examples
{
    public override Tensor Targets => targets;

    public override Tensor Inputs(Tensor indices) => inputs.index_select(0, indices);

    public override Tensor Inputs(int start, int size) => inputs.narrow(0, start, size).clone();

    public override Examples Subset(long[] indices)
    {
        using var scope = NewDisposeScope();
        var index = tensor(indices);
        return new TensorExamples(inputs.index_select(0, index).MoveToOuterDisposeScope(), targets.index_select(0, index).MoveToOuterDisposeScope());
    }

    public override void Dispose()
    {
        inputs.Dispose();
        targets.Dispose();
    }
}

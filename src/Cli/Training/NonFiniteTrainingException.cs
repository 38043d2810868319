namespace AdaptiveLR.Cli.Training;

/// <summary>
/// Under <c>--nonfinite error</c>: the loss or a gradient of a batch was NaN or infinite. Thrown before
/// that batch changed the model or the optimizer, so checkpoints of completed epochs stay as they were.
/// </summary>
public sealed class NonFiniteTrainingException(string what, long step, int epoch)
    : ArithmeticException($"step {step} (epoch {epoch}): {what} is not finite (NaN or infinity); stopped before the step changed the model or the optimizer, the checkpoint of the last completed epoch is untouched (--nonfinite skip skips such steps)")
{
    /// <summary>"the loss", or "the gradient of parameter 'conv1.weight'".</summary>
    public string What { get; } = what;

    /// <summary>The global step (1-based batch of the run).</summary>
    public long Step { get; } = step;
}

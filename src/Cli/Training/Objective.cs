namespace AdaptiveLR.Cli.Training;

/// <summary>What a problem's loss is made of.</summary>
public enum Objective
{
    /// <summary>The model outputs log-probabilities; the loss is the NLL of the target class, and accuracy is defined.</summary>
    Classification,

    /// <summary>The model outputs each example's loss itself (the noisy quadratic); the loss is their mean, and there is no accuracy.</summary>
    MeanOutput,
}

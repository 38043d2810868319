namespace AdaptiveLR.Pure.Core;

/// <summary>
/// What varies per step and per parameter group: the 1-based step number, and the learning rate
/// and weight decay in force (a scheduler or a parameter group may override the hyperparameters').
/// </summary>
public readonly record struct StepContext(long Step, double LearningRate, double WeightDecay);

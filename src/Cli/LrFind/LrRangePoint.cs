namespace AdaptiveLR.Cli.LrFind;

/// <summary>One batch of a range test: its learning rate, its loss, and the bias-corrected moving average of the losses so far.</summary>
public sealed record LrRangePoint(int Step, double LearningRate, double Loss, double SmoothedLoss);

namespace AdaptiveLR.Cli.LrFind;

/// <summary>
/// Smith's learning-rate range test: <see cref="Steps"/> batches with the learning rate raised
/// exponentially from <see cref="StartLr"/> to <see cref="EndLr"/>, the loss smoothed by an
/// exponential moving average of factor <see cref="Smoothing"/> (fastai's 0.98), stopped once the
/// smoothed loss exceeds <see cref="DivergenceFactor"/> times the best so far (fastai's 4).
/// </summary>
public sealed record LrRangeTestSettings(double StartLr = 1e-7, double EndLr = 10, int Steps = 100, double Smoothing = 0.98, double DivergenceFactor = 4)
{
    /// <summary>The learning rate of step <paramref name="index"/> (0-based): start·(end/start)^(index/(steps−1)).</summary>
    public double LearningRate(int index) =>
        Steps == 1 ? StartLr : StartLr * Math.Pow(EndLr / StartLr, (double)index / (Steps - 1));
}

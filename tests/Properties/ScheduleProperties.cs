using AdaptiveLR.Pure.Schedules;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace AdaptiveLR.Properties;

/// <summary>
/// Schedules are pure functions of the step: each equals TorchSharp's scheduler of the same name
/// step by step (an independent implementation of torch's), and warm-up and annealing keep their shapes.
/// </summary>
public class ScheduleProperties
{
    [Property(Arbitrary = [typeof(ScheduleInputs)], MaxTest = 50)]
    public void StepExponentialCosineAndOneCycleEqualTorchSharp((double Lr, int Steps, double Gamma, int StepSize, double PctStart) input)
    {
        var (lr, steps, gamma, stepSize, pctStart) = input;
        Compare(new StepDecaySchedule(lr, stepSize, gamma), steps, o => optim.lr_scheduler.StepLR(o, stepSize, gamma));
        Compare(new ExponentialSchedule(lr, gamma), steps, o => optim.lr_scheduler.ExponentialLR(o, gamma));
        Compare(new CosineSchedule(lr, steps, lr / 100), steps, o => optim.lr_scheduler.CosineAnnealingLR(o, steps, lr / 100));
        Compare(new OneCycleSchedule(lr, steps, pctStart), steps,
            o => optim.lr_scheduler.OneCycleLR(o, lr, total_steps: steps, pct_start: pctStart, cycle_momentum: false));
    }

    [Property(Arbitrary = [typeof(ScheduleInputs)], MaxTest = 50)]
    public void ReduceOnPlateauEqualsTorchSharp((double Lr, int Steps, double Gamma, int StepSize, double PctStart) input)
    {
        var random = new Random(input.Steps * 31 + input.StepSize);
        double[] metrics = [.. Enumerable.Range(0, input.Steps).Select(_ => Math.Round(random.NextDouble() * 3) / 3)];
        var plateau = new ReduceOnPlateau(input.Lr, Factor: 0.5, Patience: input.StepSize % 4, Cooldown: input.StepSize % 3, MinLr: input.Lr / 50);
        using var scope = NewDisposeScope();
        using var optimizer = optim.SGD([new Parameter(zeros(1))], input.Lr);
        var scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor: 0.5, patience: input.StepSize % 4, cooldown: input.StepSize % 3, min_lr: [input.Lr / 50]);
        var state = plateau.Initial;
        foreach (double metric in metrics)
        {
            Assert.Equal(optimizer.ParamGroups.Single().LearningRate, state.LearningRate, 1e-12);
            state = plateau.Update(state, metric);
            scheduler.step(metric);
        }
    }

    [Property(Arbitrary = [typeof(ScheduleInputs)])]
    public void WarmupRisesToLrThenCosineNeverRises((double Lr, int Steps, double Gamma, int StepSize, double PctStart) input)
    {
        int warmup = input.StepSize % input.Steps;
        var schedule = new WarmupCosineSchedule(input.Lr, warmup, input.Steps, input.Lr / 10);
        for (int step = 1; step < input.Steps; step++)
        {
            var (previous, current) = (schedule.LearningRate(step - 1), schedule.LearningRate(step));
            if (step < warmup) Assert.True(current > previous);
            else if (step > warmup) Assert.True(current <= previous + 1e-15);
            Assert.InRange(current, 0, input.Lr * (1 + 1e-12));
        }
        if (warmup > 0) Assert.Equal(input.Lr, schedule.LearningRate(warmup - 1), 1e-12);
        Assert.Equal(input.Lr / 10, schedule.LearningRate(input.Steps), 1e-12);
    }

    /// <summary>Steps TorchSharp's scheduler next to ours and compares the learning rate of every step.</summary>
    private static void Compare(Schedule schedule, int steps, Func<optim.Optimizer, optim.lr_scheduler.LRScheduler> create)
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(zeros(1));
        using var optimizer = optim.SGD([parameter], schedule.LearningRate(0));
        var scheduler = create(optimizer);
        for (int step = 0; step < steps; step++)
        {
            double expected = optimizer.ParamGroups.Single().LearningRate;
            Assert.True(Math.Abs(expected - schedule.LearningRate(step)) <= 1e-9 * Math.Max(1, expected),
                $"{schedule.Name} step {step}: TorchSharp {expected}, ours {schedule.LearningRate(step)}");
            optimizer.step();
            scheduler.step();
        }
    }
}

/// <summary>Learning rates, lengths, decay factors, step sizes and one-cycle's rising share.</summary>
public static class ScheduleInputs
{
    public static Arbitrary<(double, int, double, int, double)> Values() =>
        (from lrExponent in Gen.Choose(-40, 0)
         from steps in Gen.Choose(10, 300)
         from gamma in Gen.Choose(50, 99)
         from stepSize in Gen.Choose(1, 50)
         from pct in Gen.Choose(10, 80)
         select (Math.Pow(10, lrExponent / 10.0), steps, gamma / 100.0, stepSize, pct / 100.0)).ToArbitrary();
}

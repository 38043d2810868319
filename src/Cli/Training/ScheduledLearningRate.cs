using AdaptiveLR.Cli.Configuration;
using AdaptiveLR.Cli.Options;
using AdaptiveLR.Cli.Output;
using AdaptiveLR.Pure.Schedules;
using TorchSharp.Modules;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// A run's learning-rate schedule and where it stands. Step schedules set every parameter group's
/// learning rate before each batch from <c>LearningRate(position)</c>, the position counting every
/// batch of the run; reduce-on-plateau keeps its state record, sets the rate at the start of an
/// epoch and observes the epoch's test loss at its end. Both are saved in the checkpoint.
/// </summary>
public sealed class ScheduledLearningRate
{
    private readonly Pure.Schedules.Schedule? stepped;
    private readonly ReduceOnPlateau? plateau;

    private ScheduledLearningRate(object schedule)
    {
        stepped = schedule as Pure.Schedules.Schedule;
        plateau = schedule as ReduceOnPlateau;
        PlateauState = plateau?.Initial;
        Description = TransformText.Describe(schedule);
    }

    /// <summary>"cosine(lr=0.001, steps=160, min_lr=0)".</summary>
    public string Description { get; }

    /// <summary>Batches trained so far in the run (each advances step schedules, skipped ones included).</summary>
    public long Position { get; private set; }

    /// <summary>Reduce-on-plateau's state; null for step schedules.</summary>
    public PlateauState? PlateauState { get; private set; }

    /// <summary>The learning rate of the next batch.</summary>
    public double Current => stepped?.LearningRate(Position) ?? PlateauState!.LearningRate;

    /// <summary>The schedule of <paramref name="settings"/> over <paramref name="steps"/> batches from <paramref name="lr"/>, or a usage error naming the flag.</summary>
    public static ScheduledLearningRate Create(ScheduleSettings settings, double lr, long steps)
    {
        var (schedule, error) = ScheduleOptions.Create(settings, lr, steps);
        if (error is not null)
            throw new UsageException(ScheduleOptions.Message(error, error.Parameter == "steps" ? "--epochs" : HyperparameterOptions.FlagName(error.Parameter), $"--schedule {settings.Name}")
                + (error.Parameter == "warmup" ? $" (this run has {steps} steps)" : ""));
        if (ScheduleOptions.GrowthProblem(schedule!, steps, float.MaxValue, "float32's largest number") is { } growth) throw new UsageException(growth);
        return new ScheduledLearningRate(schedule!);
    }

    /// <summary>Sets every parameter group's learning rate to <see cref="Current"/>.</summary>
    public void Apply(OptimizerHelper optimizer)
    {
        double lr = Current;
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
    }

    public void Advance() => Position++;

    /// <summary>The end of an epoch: reduce-on-plateau observes the test loss.</summary>
    public void EndEpoch(double testLoss)
    {
        if (plateau is not null) PlateauState = plateau.Update(PlateauState!, testLoss);
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(Position);
        writer.Write(PlateauState is not null);
        if (PlateauState is { } state)
        {
            writer.Write(state.LearningRate);
            writer.Write(state.Best);
            writer.Write(state.BadEvaluations);
            writer.Write(state.CooldownLeft);
        }
    }

    public void Load(BinaryReader reader)
    {
        long position = reader.ReadInt64();
        bool hasPlateau = reader.ReadBoolean();
        if (position < 0 || hasPlateau != (plateau is not null)) throw new InvalidDataException("corrupt: the schedule's state does not fit this schedule");
        var state = hasPlateau ? new PlateauState(reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt32(), reader.ReadInt32()) : null;
        (Position, PlateauState) = (position, state);
    }
}

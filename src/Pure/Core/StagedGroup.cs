namespace AdaptiveLR.Pure.Core;

/// <summary>
/// One parameter group of a step whose groups share their scalars: its record of the algorithm and how many of the
/// passes' tensors, following the previous group's, are its.
/// </summary>
public readonly record struct StagedGroup(StagedHyperparameters Algorithm, int Tensors);

/// <summary>The rules for parameter groups that share their scalars (<see cref="StagedHyperparameters.SharesScalarsAcrossGroups"/>).</summary>
public static class SharedGroupScalars
{
    /// <summary>
    /// Why groups with these records and learning rates cannot step with shared scalars, or null: the algorithm keeps
    /// scalars per group, the records are of different algorithms or differ in a setting the reference reads from the first
    /// group only, or two groups have different learning rates other than 0 (the reference's rule: d·lr is one step size).
    /// </summary>
    public static string? Problem(ReadOnlySpan<(StagedHyperparameters Algorithm, double LearningRate)> groups)
    {
        if (groups.Length < 2) return null;
        var first = groups[0].Algorithm;
        double largest = 0;
        foreach (var group in groups) largest = Math.Max(largest, group.LearningRate);
        for (int g = 0; g < groups.Length; g++)
        {
            var (algorithm, lr) = groups[g];
            if (!algorithm.SharesScalarsAcrossGroups)
                return $"parameter group {g}: {algorithm.Algorithm} keeps its scalars per group; its groups step one by one";
            if (algorithm.GetType() != first.GetType())
                return $"parameter group {g}: {algorithm.Algorithm} cannot share its scalars with group 0's {first.Algorithm}";
            if (g > 0 && algorithm.SharingConflict(first) is { } conflict)
                return $"parameter group {g}: {conflict} (the groups share one d, and the reference reads these from group 0 only)";
            if (lr != largest && lr != 0)
                return $"parameter group {g}: lr {Format(lr)} differs from another group's {Format(largest)}; the groups of {first.Algorithm} share one d, so their lr may differ only by being 0 " +
                       "(as the reference: \"Setting different lr values in different parameter groups is only supported for values of 0\")";
        }
        return null;
    }

    /// <summary>
    /// The errors of a parameter group's record: <see cref="Hyperparameters.Validate"/>, except that a group of an algorithm
    /// sharing its scalars may have lr 0 (it then takes no part in the estimate and stays where it is), as the reference
    /// allows for its groups while refusing lr 0 for the optimizer itself.
    /// </summary>
    public static IReadOnlyList<ValidationError> GroupErrors(Hyperparameters record) =>
        record is StagedHyperparameters { SharesScalarsAcrossGroups: true } && record.Lr == 0
            ? [.. record.Validate().Where(error => error.Parameter != "lr")]
            : record.Validate();

    private static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

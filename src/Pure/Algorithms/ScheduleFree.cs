using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// What Schedule-Free AdamW and SGD share (Defazio et al. 2024; facebookresearch/schedule_free): the group's
/// schedule of learning rate and averaging weight, advanced once per step, and the move between the
/// training point y and the evaluation point x. The parameters hold y while training; slot 0 holds z.
/// </summary>
internal static class ScheduleFree
{
    /// <summary>The authors' group keys: k counts steps; lr_max starts at −1 so that the first step sets it.</summary>
    public static GroupScalars InitialScalars { get; } =
        GroupScalars.Of(("k", 0), ("lr_max", -1), ("weight_sum", 0), ("scheduled_lr", 0), ("ckp1", 0));

    /// <summary>
    /// One step of the schedule: the warmed-up learning rate, the largest so far, the averaging weight
    /// (k+1)^r·lr_max^p, its running sum and ckp1 = weight/weight_sum (0 while the sum is 0), in the authors' order.
    /// </summary>
    public static GroupScalars Advance(StepContext context, GroupScalars scalars, double warmupSteps, double r, double weightLrPower)
    {
        double k = scalars["k"];
        double scheduled = context.LearningRate * (k < warmupSteps ? (k + 1) / warmupSteps : 1.0);
        double lrMax = Math.Max(scheduled, scalars["lr_max"]);
        double weight = Math.Pow(k + 1, r) * Math.Pow(lrMax, weightLrPower);
        double weightSum = scalars["weight_sum"] + weight;
        double ckp1 = weightSum == 0 ? 0 : weight / weightSum;
        return scalars.With(("k", k + 1), ("lr_max", lrMax), ("weight_sum", weightSum), ("scheduled_lr", scheduled), ("ckp1", ckp1));
    }

    /// <summary>The checks of the schedule's options and of β, the interpolation between z and x (x = (y − (1−β)z)/β needs β &gt; 0).</summary>
    public static IEnumerable<ValidationError?> Validate(string betaName, double beta, double warmupSteps, double r, double weightLrPower) =>
    [
        beta is > 0 and < 1 ? null : new ValidationError(betaName, $"{Text(beta)} is out of range; allowed: a number in (0, 1) (Schedule-Free's evaluation point x = (y − (1 − {betaName})z)/{betaName} needs it > 0)"),
        double.IsFinite(warmupSteps) && warmupSteps >= 0 && warmupSteps == Math.Floor(warmupSteps) && warmupSteps <= int.MaxValue
            ? null : new ValidationError("warmup_steps", $"{Text(warmupSteps)} is out of range; allowed: a whole number from 0 to {int.MaxValue}"),
        Allowed.NonNegative("r", r),
        Allowed.NonNegative("weight_lr_power", weightLrPower),
    ];

    /// <summary>The view rule: y → x is lerp(y, z, 1 − 1/β), x → y is lerp(x, z, 1 − β), as the authors' eval() and train().</summary>
    public static ScheduleFreeViewRule ViewRule(bool toEvaluation, double beta) => new(toEvaluation ? 1 - 1 / beta : 1 - beta);

    /// <summary>torch's lerp: from + w(to − from) for w &lt; ½, to − (to − from)(1 − w) otherwise (exact at w = 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lerp<T>(T from, T to, double weight) where T : unmanaged, ILane<T>
    {
        // Both broadcasts before the branch, so that a kernel's loop computes them once (see ISlotRule).
        T onEnd = T.Broadcast(weight), onStart = T.Broadcast(1 - weight);
        return weight < 0.5 ? from + onEnd * (to - from) : to - (to - from) * onStart;
    }

    private static string Text(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Moves the parameters between Schedule-Free's views: p ← lerp(p, z, weight); z is slot 0, the gradient is not read.</summary>
public readonly struct ScheduleFreeViewRule(double weight) : ISlotRule
{
    /// <inheritdoc/>
    public static int SlotsRead => 1 << 0;

    /// <inheritdoc/>
    public static int SlotsWritten => 0;

    /// <inheritdoc/>
    public static bool ReadsGradient => false;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T> =>
        parameter = ScheduleFree.Lerp(parameter, state[0], weight);

    /// <inheritdoc/>
    public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> => T.Broadcast(0);
}

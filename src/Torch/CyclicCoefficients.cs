using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Torch;

/// <summary>
/// The coefficient cyclic schedules vary, read and changed on an algorithm's record as TorchSharp's
/// <c>IMomentum</c> and <c>IBetas</c> expect: momentum for SGD and RMSprop, β₁ for algorithms with betas
/// (torch.optim's OneCycleLR and CyclicLR take β₁ where an optimizer has betas).
/// </summary>
internal static class CyclicCoefficients
{
    public static double Momentum(Hyperparameters record) => record switch
    {
        IMomentumHyperparameters momentum => momentum.Momentum,
        IBetasHyperparameters betas => betas.Beta1,
        _ => throw Neither(record),
    };

    public static Hyperparameters WithMomentum(Hyperparameters record, double value) => record switch
    {
        IMomentumHyperparameters => Checked(record, record.With(new HyperparameterSettings { Momentum = value }), "momentum"),
        IBetasHyperparameters => Checked(record, record.With(new HyperparameterSettings { Beta1 = value }), "beta1"),
        _ => throw Neither(record),
    };

    /// <summary>(β₁, β₂); (momentum, 0) for momentum algorithms, which OneCycleLR then hands back with a new first value.</summary>
    public static (double, double) Betas(Hyperparameters record) => record switch
    {
        IBetasHyperparameters betas => (betas.Beta1, betas.Beta2),
        IMomentumHyperparameters momentum => (momentum.Momentum, 0),
        _ => throw Neither(record),
    };

    public static Hyperparameters WithBetas(Hyperparameters record, (double Beta1, double Beta2) value) => record switch
    {
        IBetasHyperparameters => Checked(record, record.With(new HyperparameterSettings { Beta1 = value.Beta1, Beta2 = value.Beta2 }), "betas"),
        IMomentumHyperparameters when value.Beta2 == 0 => WithMomentum(record, value.Beta1),
        IMomentumHyperparameters => throw new ArgumentException(
            $"{record.Algorithm} has a momentum, not betas: set Momentum, or Betas = (momentum, 0) as OneCycleLR does (got β₂ = {value.Beta2})"),
        _ => throw Neither(record),
    };

    private static Hyperparameters Checked(Hyperparameters before, Hyperparameters after, string name)
    {
        var errors = after.Validate();
        if (errors.Count > 0) throw new ArgumentException($"{before.Algorithm} {name}: {string.Join("; ", errors)}");
        // Momentum may fall to 0 (OneCycleLR's last step sets it so) and the buffer stays; it may not appear where there is none.
        if (after.Slots.Zip(before.Slots).Any(pair => pair.First is not null && pair.First != pair.Second))
            throw new InvalidOperationException(
                $"{before.Algorithm}: this {name} would change the optimizer's state layout (SGD and RMSprop keep a momentum buffer only when momentum > 0): " +
                "create the optimizer with a momentum > 0 to schedule it, or pass cycle_momentum: false");
        return after;
    }

    private static InvalidOperationException Neither(Hyperparameters record) =>
        new($"{record.Algorithm} has neither momentum nor betas: pass cycle_momentum: false to OneCycleLR or CyclicLR");
}

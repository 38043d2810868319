using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// A named state buffer of an algorithm (torch.optim's or the reference's name where it has one) and its initial value;
/// <see cref="NonNegative"/> for buffers that never hold a negative value (second moments, sums of squares),
/// which compressed state then encodes without a sign. A <paramref name="Sampled"/> slot of a staged algorithm holds
/// only the elements its reduction pass visits (every <see cref="StagedHyperparameters.SampleStride"/>-th: Prodigy's
/// <c>slice_p</c>); only that pass reads and writes it, the element pass sees it as zero.
/// </summary>
public sealed record StateSlot(string Name, double InitialValue = 0, bool NonNegative = false, bool Sampled = false)
{
    /// <summary>
    /// How compressed state rounds this slot's values: by default stochastically if <see cref="NonNegative"/> (sums and slow
    /// averages), else to nearest; <see cref="StateRounding.Stochastic"/> for a momentum that is a slow average (Lion's),
    /// <see cref="StateRounding.Down"/> for a running maximum (AMSGrad's v_max).
    /// </summary>
    public StateRounding Rounding { get; init; } = StateCodec.RoundingOf(NonNegative);
}

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// Which slots of a staged algorithm are sampled (a bit per slot) and the reduction pass's stride: a sampled slot
/// holds element i·<see cref="Stride"/> of the tensor at index i (see <see cref="StateSlot.Sampled"/>).
/// </summary>
public readonly record struct SlotSampling(int Stride, int SampledSlots)
{
    /// <summary>Every slot full, every element visited.</summary>
    public static SlotSampling None { get; } = new(1, 0);

    /// <summary>Whether slot <paramref name="slot"/> is sampled.</summary>
    public bool IsSampled(int slot) => ((SampledSlots >> slot) & 1) != 0;

    /// <summary>How many values slot <paramref name="slot"/> keeps for a tensor of <paramref name="size"/> elements.</summary>
    public long Length(int slot, long size) => IsSampled(slot) ? (size + Stride - 1) / Stride : size;
}

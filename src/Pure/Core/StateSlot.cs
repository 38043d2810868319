namespace AdaptiveLR.Pure.Core;

/// <summary>
/// A named state buffer of an algorithm (torch.optim's name where it has one) and its initial value;
/// <see cref="NonNegative"/> for buffers that never hold a negative value (second moments, sums of squares),
/// which compressed state then encodes without a sign.
/// </summary>
public sealed record StateSlot(string Name, double InitialValue = 0, bool NonNegative = false);

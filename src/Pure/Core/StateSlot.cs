namespace AdaptiveLR.Pure.Core;

/// <summary>A named state buffer of an algorithm (torch.optim's name where it has one) and its initial value.</summary>
public sealed record StateSlot(string Name, double InitialValue = 0);

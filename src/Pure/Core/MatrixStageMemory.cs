namespace AdaptiveLR.Pure.Core;

/// <summary>
/// What a matrix stage (<see cref="StagedHyperparameters.RunMatrixStage"/>) works on: one tensor's gradient, its
/// slots and a direction buffer the element pass reads in the gradient's place, all of the tensor's length, and its shape.
/// The memory is pinned (the adapter's tensors, pinned arrays) for as long as the stage runs.
/// </summary>
public readonly unsafe ref struct MatrixStageMemory<T> where T : unmanaged
{
    private readonly ReadOnlySpan<IntPtr> slots;

    /// <param name="gradients">The tensor's gradient, as stored.</param>
    /// <param name="direction">Where the stage writes what the element pass reads as the gradient.</param>
    /// <param name="slots">Each slot's memory in <see cref="Hyperparameters.Slots"/> order (zero: not used by this tensor).</param>
    /// <param name="shape">The tensor's shape.</param>
    public MatrixStageMemory(ReadOnlySpan<T> gradients, Span<T> direction, ReadOnlySpan<IntPtr> slots, ReadOnlySpan<long> shape)
    {
        if (direction.Length != gradients.Length)
            throw new ArgumentException($"the direction has {direction.Length} elements but the gradient {gradients.Length}", nameof(direction));
        Gradients = gradients;
        Direction = direction;
        this.slots = slots;
        Shape = shape;
    }

    /// <summary>The tensor's gradient, as stored.</summary>
    public ReadOnlySpan<T> Gradients { get; }

    /// <summary>What the element pass reads in the gradient's place.</summary>
    public Span<T> Direction { get; }

    /// <summary>The tensor's shape.</summary>
    public ReadOnlySpan<long> Shape { get; }

    /// <summary>Slot <paramref name="index"/>'s memory; throws for a slot this tensor does not use.</summary>
    public Span<T> Slot(int index) =>
        slots[index] != IntPtr.Zero ? new Span<T>((void*)slots[index], Gradients.Length)
            : throw new InvalidOperationException($"slot {index} is not used by this tensor");
}

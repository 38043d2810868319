using System.Collections.Immutable;
using System.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// How a tensor-level algorithm sees a parameter: as a matrix of <see cref="Rows"/> × <see cref="Columns"/>
/// (the last dimension is the columns, every leading dimension folds into the rows), factored when
/// the parameter has two or more dimensions.
/// </summary>
public readonly record struct MatrixView(int Rows, int Columns, bool Factored)
{
    /// <summary>The number of elements, rows × columns.</summary>
    public int Length => Rows * Columns;

    /// <summary>The view of a parameter of <paramref name="shape"/> (a scalar or a vector is one unfactored row).</summary>
    public static MatrixView Of(ReadOnlySpan<long> shape)
    {
        long length = 1;
        foreach (long size in shape) length *= size;
        if (shape.Length < 2) return new(1, checked((int)length), false);
        int columns = checked((int)shape[^1]);
        return new(columns == 0 ? 0 : checked((int)(length / columns)), columns, true);
    }

    /// <summary>An unfactored vector of <paramref name="length"/> elements: what the record-level API steps.</summary>
    public static MatrixView Vector(int length) => new(1, length, false);
}

/// <summary>
/// Hyperparameters of an algorithm whose step needs the whole tensor — row and column means, norms —
/// and so cannot be an <see cref="IElementRule"/> (Adafactor). Its state buffers have their own
/// lengths per parameter shape (<see cref="SlotsFor"/>, <see cref="SlotLength"/>); one generic step
/// runs on <c>double</c> (reference, general path) and on <c>float</c> (the adapter, in place).
/// </summary>
public abstract record TensorHyperparameters : Hyperparameters
{
    /// <summary>The layout of an unfactored parameter: what the record-level API (1-D vectors) uses.</summary>
    public sealed override ImmutableArray<StateSlot?> Slots => SlotsFor(MatrixView.Vector(1));

    /// <summary>The three state slots for a parameter seen as <paramref name="view"/>; null where unused.</summary>
    public abstract ImmutableArray<StateSlot?> SlotsFor(MatrixView view);

    /// <summary>The shape of slot <paramref name="slot"/>'s buffer for a parameter of <paramref name="parameterShape"/>.</summary>
    public abstract long[] SlotShape(int slot, long[] parameterShape);

    /// <summary>Element count of slot <paramref name="slot"/>'s buffer for <paramref name="view"/>.</summary>
    public abstract int SlotLength(int slot, MatrixView view);

    /// <summary>One step in place on one parameter seen as <paramref name="view"/>; unused slots are empty spans.</summary>
    public abstract void Step<T>(StepContext context, MatrixView view, Span<T> parameters, ReadOnlySpan<T> gradients,
                                 Span<T> state0, Span<T> state1, Span<T> state2)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The effective learning rate of every element after the step of <paramref name="context"/>, from the state and the parameters.</summary>
    public abstract void EffectiveLearningRates<T>(StepContext context, MatrixView view, Span<T> destination, ReadOnlySpan<T> parameters,
                                                   ReadOnlySpan<T> state0, ReadOnlySpan<T> state1, ReadOnlySpan<T> state2)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <inheritdoc/>
    public sealed override TResult WithRule<TVisitor, TResult>(StepContext context, ref TVisitor visitor) =>
        throw new NotSupportedException($"{Algorithm} steps whole tensors; it has no element-wise rule");
}

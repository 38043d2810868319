using System.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// The matrix products an algorithm's step may need (Muon's Newton–Schulz iteration), behind an
/// interface: the arithmetic is defined in src/Pure (<see cref="ReferenceMatrixOperations{T}"/>), and
/// the adapter supplies a fast implementation of the same products.
/// </summary>
public interface IMatrixOperations<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// <paramref name="product"/> ← op(<paramref name="left"/>) · op(<paramref name="right"/>), all row-major; op transposes when asked.
    /// op(left) is <paramref name="rows"/> × <paramref name="inner"/>, op(right) <paramref name="inner"/> × <paramref name="columns"/>.
    /// </summary>
    void Multiply(ReadOnlySpan<T> left, bool transposeLeft, ReadOnlySpan<T> right, bool transposeRight, Span<T> product,
                  int rows, int inner, int columns);
}

/// <summary>The definition of <see cref="IMatrixOperations{T}"/>: textbook loops, each dot product summed in order.</summary>
public sealed class ReferenceMatrixOperations<T> : IMatrixOperations<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The one instance (it has no state).</summary>
    public static ReferenceMatrixOperations<T> Instance { get; } = new();

    /// <inheritdoc/>
    public void Multiply(ReadOnlySpan<T> left, bool transposeLeft, ReadOnlySpan<T> right, bool transposeRight, Span<T> product,
                         int rows, int inner, int columns)
    {
        if (left.Length != rows * inner || right.Length != inner * columns || product.Length != rows * columns)
            throw new ArgumentException($"a {rows}×{inner} by {inner}×{columns} product needs {rows * inner}, {inner * columns} and {rows * columns} elements, not {left.Length}, {right.Length} and {product.Length}");
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < inner; p++)
                    sum += left[transposeLeft ? p * rows + i : i * inner + p] * right[transposeRight ? j * inner + p : p * columns + j];
                product[i * columns + j] = sum;
            }
        }
    }
}

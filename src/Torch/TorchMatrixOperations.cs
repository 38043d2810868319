using System.Numerics;
using AdaptiveLR.Pure.Core;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch;

/// <summary>
/// <see cref="IMatrixOperations{T}"/> for float32 and float64 through LibTorch's matrix product: tensors over the
/// callers' memory (no copy in), one product, copied into the destination. Only the products run here; everything
/// else of an algorithm's matrix stage (Muon's Newton–Schulz) is src/Pure's.
/// </summary>
public sealed unsafe class TorchMatrixOperations<T> : IMatrixOperations<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The one instance (it has no state).</summary>
    public static TorchMatrixOperations<T> Instance { get; } = new();

    private static readonly sbyte ScalarType = typeof(T) == typeof(float) ? NativeTensor.Float32
        : typeof(T) == typeof(double) ? NativeTensor.Float64
        : throw new NotSupportedException($"LibTorch products here are float32 or float64, not {typeof(T).Name}");

    /// <inheritdoc/>
    public void Multiply(ReadOnlySpan<T> left, bool transposeLeft, ReadOnlySpan<T> right, bool transposeRight, Span<T> product,
                         int rows, int inner, int columns)
    {
        if (left.Length != rows * inner || right.Length != inner * columns || product.Length != rows * columns)
            throw new ArgumentException($"a {rows}×{inner} by {inner}×{columns} product needs {rows * inner}, {inner * columns} and {rows * columns} elements, not {left.Length}, {right.Length} and {product.Length}");
        if (product.Length == 0) return;
        using var scope = NewDisposeScope();
        fixed (T* l = left, r = right, p = product)
        {
            var a = Over(l, transposeLeft ? inner : rows, transposeLeft ? rows : inner);
            var b = Over(r, transposeRight ? columns : inner, transposeRight ? inner : columns);
            Over(p, rows, columns).copy_((transposeLeft ? a.t() : a).mm(transposeRight ? b.t() : b));
        }
    }

    /// <summary>A rows × columns tensor over <paramref name="data"/>, which stays the caller's (pinned while the tensor lives).</summary>
    private static Tensor Over(T* data, int rows, int columns)
    {
        long* sizes = stackalloc long[] { rows, columns };
        var handle = NativeTensor.New(data, NativeTensor.KeepMemory, sizes, 2, ScalarType, ScalarType, NativeTensor.Cpu, 0, false);
        return handle != IntPtr.Zero ? Tensor.UnsafeCreateTensor(handle)
            : throw new InvalidOperationException($"LibTorch made no {rows}×{columns} tensor over the given memory");
    }
}

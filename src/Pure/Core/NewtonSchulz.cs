using System.Buffers;
using System.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>
/// The quintic Newton–Schulz iteration of Muon (Jordan et al. 2024): maps a matrix G = U S Vᵀ to about U Vᵀ by
/// applying f(x) = a·x + b·x³ + c·x⁵ to the singular values of G/(‖G‖_F + 1e-7) <c>steps</c> times. The
/// coefficients make f steep at 0, so singular values end in roughly [0.68, 1.13] rather than at exactly 1
/// (scripts/golden/MODERN.md); tiny ones are only scaled by about a⁵. Products go through <see cref="IMatrixOperations{T}"/>.
/// </summary>
public static class NewtonSchulz
{
    /// <summary>The coefficients (a, b, c) of the reference's quintic.</summary>
    public const double A = 3.4445, B = -4.7750, C = 2.0315;

    /// <summary>Added to the Frobenius norm before dividing by it, as the reference does.</summary>
    public const double NormEpsilon = 1e-7;

    /// <summary>
    /// Replaces the row-major <paramref name="rows"/> × <paramref name="columns"/> matrix in <paramref name="matrix"/> by its
    /// orthogonalisation. Like the reference it iterates on the wide orientation (X Xᵀ of the smaller side); a tall matrix
    /// is not copied but multiplied from the other side.
    /// </summary>
    public static void Orthogonalize<T>(Span<T> matrix, int rows, int columns, int steps, IMatrixOperations<T> operations)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows <= 0 || columns <= 0 || matrix.Length != rows * columns)
            throw new ArgumentException($"a {rows}×{columns} matrix needs {rows * columns} elements, not {matrix.Length}", nameof(matrix));
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        double squares = 0;
        foreach (var x in matrix) squares += double.CreateTruncating(x * x);
        T norm = T.CreateChecked(Math.Sqrt(squares) + NormEpsilon);
        for (int i = 0; i < matrix.Length; i++) matrix[i] /= norm;

        bool tall = rows > columns;
        int small = tall ? columns : rows;
        T[] gram = ArrayPool<T>.Shared.Rent(small * small), polynomial = ArrayPool<T>.Shared.Rent(small * small), product = ArrayPool<T>.Shared.Rent(matrix.Length);
        try
        {
            Span<T> a = gram.AsSpan(0, small * small), b = polynomial.AsSpan(0, small * small), p = product.AsSpan(0, matrix.Length);
            T ca = T.CreateChecked(A), cb = T.CreateChecked(B), cc = T.CreateChecked(C);
            for (int step = 0; step < steps; step++)
            {
                // X is the wide orientation: the matrix itself, or its transpose when tall. A = X Xᵀ.
                if (tall) operations.Multiply(matrix, true, matrix, false, a, small, rows, small);
                else operations.Multiply(matrix, false, matrix, true, a, small, columns, small);
                // B = b·A + (c·A)·A, in the reference's order.
                for (int i = 0; i < a.Length; i++) b[i] = cc * a[i];
                operations.Multiply(b, false, a, false, p[..a.Length], small, small, small);
                for (int i = 0; i < a.Length; i++) b[i] = cb * a[i] + p[i];
                // X ← a·X + B·X; for the transposed view (B·Xᵀ)ᵀ = X·Bᵀ.
                if (tall) operations.Multiply(matrix, false, b, true, p, rows, columns, columns);
                else operations.Multiply(b, false, matrix, false, p, rows, rows, columns);
                for (int i = 0; i < matrix.Length; i++) matrix[i] = ca * matrix[i] + p[i];
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(gram);
            ArrayPool<T>.Shared.Return(polynomial);
            ArrayPool<T>.Shared.Return(product);
        }
    }
}

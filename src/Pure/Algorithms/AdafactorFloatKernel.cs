using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// Adafactor's step on float32 memory in SIMD vectors, in two passes over the parameters and the
/// gradient (the least the clipping allows: RMS(U) needs the whole step's second moment before the
/// first parameter can move). Sums are taken in float per block of <see cref="Block"/> elements and
/// added up in double, so they keep about the precision of the scalar double path.
/// </summary>
/// <remarks>
/// Factored: the first pass reads each row of G once to update R and C, and while the row is in L1
/// accumulates S_j = Σᵢ G²ᵢⱼ/Rᵢ, so that RMS(U)² = mean(R)·Σⱼ Sⱼ/Cⱼ / n without a pass of its own; the
/// second applies θ ← θ·decay − α/clip · G·(mean(R)/Rᵢ)^½·Cⱼ^−½ with the column factor computed once
/// per column and the row factor once per row.
/// </remarks>
internal static class AdafactorFloatKernel
{
    private const int Block = 4096;

    private static int Width => Vector<float>.Count;

    /// <summary>V ← βV + (1−β)(G² + ε₁) in place; returns Σθ² and Σ G²/V (U² before the root).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static (double ParameterSquares, double UpdateSquares) UpdateUnfactored(ReadOnlySpan<float> parameters, ReadOnlySpan<float> gradients,
                                                                                  Span<float> v, double beta, double eps1)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters), g = ref MemoryMarshal.GetReference(gradients), s = ref MemoryMarshal.GetReference(v);
        float b = (float)beta, a = (float)(1 - beta), e = (float)eps1;
        var (vb, va, ve) = (new Vector<float>(b), new Vector<float>(a), new Vector<float>(e));
        double parameterSquares = 0, updateSquares = 0;
        int length = parameters.Length;
        for (int start = 0; start < length; start += Block)
        {
            int end = Math.Min(length, start + Block), i = start;
            Vector<float> pp = Vector<float>.Zero, uu = Vector<float>.Zero;
            for (; i + Width <= end; i += Width)
            {
                var x = Vector.LoadUnsafe(ref p, (nuint)i);
                var gi = Vector.LoadUnsafe(ref g, (nuint)i);
                var vi = vb * Vector.LoadUnsafe(ref s, (nuint)i) + va * (gi * gi + ve);
                vi.StoreUnsafe(ref s, (nuint)i);
                pp += x * x;
                uu += gi * (gi / vi);
            }
            float ps = Vector.Sum(pp), us = Vector.Sum(uu);
            for (; i < end; i++)
            {
                float x = Unsafe.Add(ref p, i), gi = Unsafe.Add(ref g, i);
                float vi = b * Unsafe.Add(ref s, i) + a * (gi * gi + e);
                Unsafe.Add(ref s, i) = vi;
                ps += x * x;
                us += gi * (gi / vi);
            }
            parameterSquares += ps;
            updateSquares += us;
        }
        return (parameterSquares, updateSquares);
    }

    /// <summary>θ ← θ·decay − scale·G/√V.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ApplyUnfactored(Span<float> parameters, ReadOnlySpan<float> gradients, ReadOnlySpan<float> v, double decay, double scale)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters), g = ref MemoryMarshal.GetReference(gradients), s = ref MemoryMarshal.GetReference(v);
        float d = (float)decay, c = (float)scale;
        var (vd, vc) = (new Vector<float>(d), new Vector<float>(c));
        int length = parameters.Length, i = 0;
        for (; i + Width <= length; i += Width)
        {
            var update = Vector.LoadUnsafe(ref g, (nuint)i) / Vector.SquareRoot(Vector.LoadUnsafe(ref s, (nuint)i));
            (Vector.LoadUnsafe(ref p, (nuint)i) * vd - vc * update).StoreUnsafe(ref p, (nuint)i);
        }
        for (; i < length; i++)
            Unsafe.Add(ref p, i) = Unsafe.Add(ref p, i) * d - c * (Unsafe.Add(ref g, i) / MathF.Sqrt(Unsafe.Add(ref s, i)));
    }

    /// <summary>
    /// R ← βR + (1−β)·rowmean(G² + ε₁), C ← βC + (1−β)·colmean(G² + ε₁) in place; returns Σθ², mean(R)
    /// and Σ G²/V̂ (U² before the root, V̂ = R·Cᵀ/mean(R)).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static (double ParameterSquares, double MeanRow, double UpdateSquares) UpdateFactored(
        int rows, int columns, ReadOnlySpan<float> parameters, ReadOnlySpan<float> gradients, Span<float> row, Span<float> column, double beta, double eps1)
    {
        float[] rented = ArrayPool<float>.Shared.Rent(columns);
        try
        {
            // S_j = Σᵢ G²ᵢⱼ/Rᵢ, accumulated while each row is in cache.
            Span<float> weighted = rented.AsSpan(0, columns);
            weighted.Clear();
            float columnWeight = (float)((1 - beta) / rows), e = (float)eps1;
            Scale(column, (float)beta);
            double parameterSquares = 0, rowSum = 0;
            for (int i = 0; i < rows; i++)
            {
                var gradientRow = gradients.Slice(i * columns, columns);
                parameterSquares += SumOfSquares(parameters.Slice(i * columns, columns));
                double squares = AccumulateColumns(gradientRow, column, columnWeight, e);
                float r = (float)(beta * row[i] + (1 - beta) * (squares / columns));
                row[i] = r;
                rowSum += r;
                AddSquaresOver(gradientRow, weighted, 1 / r);
            }
            double meanRow = rowSum / rows, sum = 0;
            for (int j = 0; j < columns; j++) sum += weighted[j] / (double)column[j];
            return (parameterSquares, meanRow, meanRow * sum);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>θ ← θ·decay − scale·G/√(Rᵢ·Cⱼ/mean(R)), with Cⱼ^−½ once per column and (mean(R)/Rᵢ)^½ once per row.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ApplyFactored(int rows, int columns, Span<float> parameters, ReadOnlySpan<float> gradients,
                                     ReadOnlySpan<float> row, ReadOnlySpan<float> column, double meanRow, double decay, double scale)
    {
        float[] rented = ArrayPool<float>.Shared.Rent(columns);
        try
        {
            Span<float> inverseRootColumn = rented.AsSpan(0, columns);
            for (int j = 0; j < columns; j++) inverseRootColumn[j] = (float)(1 / Math.Sqrt(column[j]));
            for (int i = 0; i < rows; i++)
                ScaledUpdate(parameters.Slice(i * columns, columns), gradients.Slice(i * columns, columns), inverseRootColumn,
                             (float)decay, (float)(scale * Math.Sqrt(meanRow / row[i])));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>θ ← θ·decay − rowScale·G·w, element-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScaledUpdate(Span<float> parameters, ReadOnlySpan<float> gradients, ReadOnlySpan<float> weights, float decay, float rowScale)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters), g = ref MemoryMarshal.GetReference(gradients), w = ref MemoryMarshal.GetReference(weights);
        var (vd, vr) = (new Vector<float>(decay), new Vector<float>(rowScale));
        int length = parameters.Length, i = 0;
        for (; i + Width <= length; i += Width)
            (Vector.LoadUnsafe(ref p, (nuint)i) * vd - vr * Vector.LoadUnsafe(ref g, (nuint)i) * Vector.LoadUnsafe(ref w, (nuint)i)).StoreUnsafe(ref p, (nuint)i);
        for (; i < length; i++) Unsafe.Add(ref p, i) = Unsafe.Add(ref p, i) * decay - rowScale * Unsafe.Add(ref g, i) * Unsafe.Add(ref w, i);
    }

    /// <summary>C_j += w·(G_j² + ε₁); returns Σ (G_j² + ε₁).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double AccumulateColumns(ReadOnlySpan<float> gradients, Span<float> column, float weight, float eps1)
    {
        ref float g = ref MemoryMarshal.GetReference(gradients), c = ref MemoryMarshal.GetReference(column);
        var (vw, ve) = (new Vector<float>(weight), new Vector<float>(eps1));
        double total = 0;
        for (int start = 0; start < gradients.Length; start += Block)
        {
            int end = Math.Min(gradients.Length, start + Block), i = start;
            var sum = Vector<float>.Zero;
            for (; i + Width <= end; i += Width)
            {
                var gi = Vector.LoadUnsafe(ref g, (nuint)i);
                var squared = gi * gi + ve;
                sum += squared;
                (Vector.LoadUnsafe(ref c, (nuint)i) + vw * squared).StoreUnsafe(ref c, (nuint)i);
            }
            float partial = Vector.Sum(sum);
            for (; i < end; i++)
            {
                float gi = Unsafe.Add(ref g, i), squared = gi * gi + eps1;
                partial += squared;
                Unsafe.Add(ref c, i) += weight * squared;
            }
            total += partial;
        }
        return total;
    }

    /// <summary>S_j += G_j²·w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSquaresOver(ReadOnlySpan<float> gradients, Span<float> sums, float weight)
    {
        ref float g = ref MemoryMarshal.GetReference(gradients), s = ref MemoryMarshal.GetReference(sums);
        var vw = new Vector<float>(weight);
        int i = 0;
        for (; i + Width <= gradients.Length; i += Width)
        {
            var gi = Vector.LoadUnsafe(ref g, (nuint)i);
            (Vector.LoadUnsafe(ref s, (nuint)i) + gi * gi * vw).StoreUnsafe(ref s, (nuint)i);
        }
        for (; i < gradients.Length; i++) Unsafe.Add(ref s, i) += Unsafe.Add(ref g, i) * Unsafe.Add(ref g, i) * weight;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        ref float x = ref MemoryMarshal.GetReference(values);
        double total = 0;
        for (int start = 0; start < values.Length; start += Block)
        {
            int end = Math.Min(values.Length, start + Block), i = start;
            var sum = Vector<float>.Zero;
            for (; i + Width <= end; i += Width)
            {
                var xi = Vector.LoadUnsafe(ref x, (nuint)i);
                sum += xi * xi;
            }
            float partial = Vector.Sum(sum);
            for (; i < end; i++) partial += Unsafe.Add(ref x, i) * Unsafe.Add(ref x, i);
            total += partial;
        }
        return total;
    }

    private static void Scale(Span<float> values, float factor)
    {
        for (int j = 0; j < values.Length; j++) values[j] *= factor;
    }
}

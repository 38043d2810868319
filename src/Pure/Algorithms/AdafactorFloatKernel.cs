using System.Buffers;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// Adafactor's step on float32 memory in SIMD lanes (<typeparamref name="TLane"/>: the widest the CPU
/// has, as the fused kernel's), in two passes over the parameters and the gradient (the least the
/// clipping allows: RMS(U) needs the whole step's second moment before the first parameter can move).
/// Sums are taken in float per block of <see cref="Block"/> elements, in two accumulators, and added up
/// in double, so they keep about the precision of the scalar double path.
/// </summary>
/// <remarks>
/// Factored: the first pass reads each row of θ and G once to update R and C and take Σθ², and while
/// the row is in L1 accumulates S_j = Σᵢ G²ᵢⱼ/Rᵢ, so that RMS(U)² = mean(R)·Σⱼ Sⱼ/Cⱼ / n without a pass
/// of its own; the second applies θ ← θ·decay − α/clip · G·(mean(R)/Rᵢ)^½·Cⱼ^−½ with the column factor
/// computed once per column and the row factor once per row. The per-column work (C's decay, Sⱼ/Cⱼ,
/// Cⱼ^−½) runs in lanes too: with 50 small matrices it was a tenth of the step.
/// </remarks>
internal static class AdafactorFloatKernel<TLane>
    where TLane : struct, IFloatLane<TLane>
{
    private const int Block = 4096;

    /// <summary>
    /// Elements of G per chunk of rows in the factored first pass (at least <see cref="MinimumChunkRows"/> rows): read
    /// twice, the second time from L1. The second reading pauses the stream from memory, so chunks are short: 8,192
    /// elements were as fast at 1M parameters but 5–10% slower than one pass per row at 10M (in DRAM).
    /// </summary>
    private const int ChunkFloats = 2048;

    /// <summary>Rows per chunk at least: C and S are loaded and stored once per chunk.</summary>
    private const int MinimumChunkRows = 8;

    /// <summary>Elements of G per chunk at most, so that wide rows' chunks still stay in L2 for their second reading.</summary>
    private const int MaximumChunkFloats = 16384;

    private static nuint Width => (nuint)TLane.Count;

    /// <summary>V ← βV + (1−β)(G² + ε₁) in place; returns Σθ² and Σ G²/V (U² before the root).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static (double ParameterSquares, double UpdateSquares) UpdateUnfactored(ReadOnlySpan<float> parameters, ReadOnlySpan<float> gradients,
                                                                                  Span<float> v, double beta, double eps1)
    {
        ref float p = ref Start(parameters), g = ref Start(gradients), s = ref Start(v);
        float b = (float)beta, a = (float)(1 - beta), e = (float)eps1;
        var (vb, va, ve) = (TLane.Broadcast(b), TLane.Broadcast(a), TLane.Broadcast(e));
        double parameterSquares = 0, updateSquares = 0;
        nuint length = (nuint)parameters.Length;
        for (nuint start = 0; start < length; start += Block)
        {
            nuint end = Math.Min(length, start + Block), i = start;
            TLane pp = TLane.Broadcast(0), uu = TLane.Broadcast(0), pp2 = pp, uu2 = uu;
            // Two sums of each, so that the additions of one lane do not wait for the last.
            for (; i + 2 * Width <= end; i += 2 * Width)
            {
                UnfactoredLane(ref p, ref g, ref s, i, vb, va, ve, ref pp, ref uu);
                UnfactoredLane(ref p, ref g, ref s, i + Width, vb, va, ve, ref pp2, ref uu2);
            }
            for (; i + Width <= end; i += Width) UnfactoredLane(ref p, ref g, ref s, i, vb, va, ve, ref pp, ref uu);
            double ps = TLane.Total(pp + pp2), us = TLane.Total(uu + uu2);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UnfactoredLane(ref float p, ref float g, ref float s, nuint i, TLane vb, TLane va, TLane ve, ref TLane pp, ref TLane uu)
    {
        var x = TLane.Load(ref p, i);
        var gi = TLane.Load(ref g, i);
        var vi = vb * TLane.Load(ref s, i) + va * (gi * gi + ve);
        TLane.Store(vi, ref s, i);
        pp += x * x;
        uu += gi * (gi / vi);
    }

    /// <summary>θ ← θ·decay − scale·G/√V.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ApplyUnfactored(Span<float> parameters, ReadOnlySpan<float> gradients, ReadOnlySpan<float> v, double decay, double scale)
    {
        ref float p = ref Start(parameters), g = ref Start(gradients), s = ref Start(v);
        float d = (float)decay, c = (float)scale;
        var (vd, vc) = (TLane.Broadcast(d), TLane.Broadcast(c));
        nuint length = (nuint)parameters.Length, i = 0;
        for (; i + Width <= length; i += Width)
        {
            var update = TLane.Load(ref g, i) / TLane.Sqrt(TLane.Load(ref s, i));
            TLane.Store(TLane.Load(ref p, i) * vd - vc * update, ref p, i);
        }
        for (; i < length; i++)
            Unsafe.Add(ref p, i) = Unsafe.Add(ref p, i) * d - c * (Unsafe.Add(ref g, i) / MathF.Sqrt(Unsafe.Add(ref s, i)));
    }

    /// <summary>
    /// R ← βR + (1−β)·rowmean(G² + ε₁), C ← βC + (1−β)·colmean(G² + ε₁) in place; returns Σθ², mean(R)
    /// and Σ G²/V̂ (U² before the root, V̂ = R·Cᵀ/mean(R)).
    /// </summary>
    /// <remarks>
    /// Chunk by chunk of rows (<see cref="ChunkFloats"/> elements, which stay in L1): first the rows'
    /// sums (R, and Σθ²), reading θ and G; then the chunk's columns, a tile of four lanes at a time down
    /// the chunk's rows, summing G² + ε₁ for C and G²/Rᵢ for S in registers, so that C and S are loaded and
    /// stored once per chunk rather than once per row.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static (double ParameterSquares, double MeanRow, double UpdateSquares) UpdateFactored(
        int rows, int columns, ReadOnlySpan<float> parameters, ReadOnlySpan<float> gradients, Span<float> row, Span<float> column, double beta, double eps1)
    {
        int chunk = Math.Clamp(Math.Min(Math.Max(MinimumChunkRows, ChunkFloats / columns), MaximumChunkFloats / columns), 1, rows);
        float[] rented = ArrayPool<float>.Shared.Rent(columns + chunk);
        try
        {
            // S_j = Σᵢ G²ᵢⱼ/Rᵢ, and the chunk's 1/Rᵢ.
            Span<float> weighted = rented.AsSpan(0, columns), inverseRows = rented.AsSpan(columns, chunk);
            weighted.Clear();
            float columnWeight = (float)((1 - beta) / rows), e = (float)eps1;
            Scale(column, (float)beta);
            double parameterSquares = 0, rowSum = 0;
            for (int first = 0; first < rows; first += chunk)
            {
                int count = Math.Min(chunk, rows - first);
                var gradientRows = gradients.Slice(first * columns, count * columns);
                var (chunkParameterSquares, chunkRowSum) = UpdateRows(count, columns, gradientRows, parameters.Slice(first * columns, count * columns),
                                                                      row.Slice(first, count), inverseRows, beta, eps1);
                parameterSquares += chunkParameterSquares;
                rowSum += chunkRowSum;
                AccumulateColumns(count, columns, gradientRows, inverseRows, column, weighted, columnWeight, e);
            }
            double meanRow = rowSum / rows;
            return (parameterSquares, meanRow, meanRow * SumOfQuotients(weighted, column));
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
            InverseRoots(column, inverseRootColumn);
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
        ref float p = ref Start(parameters), g = ref Start(gradients), w = ref Start(weights);
        var (vd, vr) = (TLane.Broadcast(decay), TLane.Broadcast(rowScale));
        nuint length = (nuint)parameters.Length, i = 0;
        for (; i + Width <= length; i += Width)
            TLane.Store(TLane.Load(ref p, i) * vd - vr * TLane.Load(ref g, i) * TLane.Load(ref w, i), ref p, i);
        for (; i < length; i++) Unsafe.Add(ref p, i) = Unsafe.Add(ref p, i) * decay - rowScale * Unsafe.Add(ref g, i) * Unsafe.Add(ref w, i);
    }

    /// <summary>
    /// Rᵢ ← βRᵢ + (1−β)·mean(G²ᵢ + ε₁) for each of <paramref name="count"/> rows, and their 1/Rᵢ; returns the rows'
    /// Σθ², read in the same loop, and ΣRᵢ. Σθ² is carried in lanes across short rows and added to double every <see cref="Block"/> elements.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static (double ParameterSquares, double RowSum) UpdateRows(int count, int columns, ReadOnlySpan<float> gradients, ReadOnlySpan<float> parameters,
                                                                       Span<float> row, Span<float> inverseRows, double beta, double eps1)
    {
        ref float g = ref Start(gradients), x = ref Start(parameters);
        TLane pp = TLane.Broadcast(0), pp2 = pp;
        double parameterSquares = 0, rowSum = 0;
        nuint n = (nuint)columns, pending = 0;
        for (int r = 0; r < count; r++)
        {
            nuint offset = (nuint)r * n;
            double squares = 0;
            for (nuint start = 0; start < n; start += Block)
            {
                nuint end = Math.Min(n, start + Block), j = start;
                TLane sum = TLane.Broadcast(0), sum2 = sum;
                // Two sums of each, so that the additions of one lane do not wait for the last.
                for (; j + 2 * Width <= end; j += 2 * Width)
                {
                    RowLane(ref g, ref x, offset + j, ref sum, ref pp);
                    RowLane(ref g, ref x, offset + j + Width, ref sum2, ref pp2);
                }
                for (; j + Width <= end; j += Width) RowLane(ref g, ref x, offset + j, ref sum, ref pp);
                double partial = TLane.Total(sum + sum2);
                for (; j < end; j++)
                {
                    float gi = Unsafe.Add(ref g, offset + j), xi = Unsafe.Add(ref x, offset + j);
                    partial += gi * gi;
                    parameterSquares += xi * xi;
                }
                squares += partial;
                pending += end - start;
                if (pending >= Block)
                {
                    parameterSquares += TLane.Total(pp + pp2);
                    (pp, pp2, pending) = (TLane.Broadcast(0), TLane.Broadcast(0), 0);
                }
            }
            float rowFactor = (float)(beta * row[r] + (1 - beta) * (squares / columns + eps1));
            row[r] = rowFactor;
            rowSum += rowFactor;
            inverseRows[r] = 1 / rowFactor;
        }
        return (parameterSquares + TLane.Total(pp + pp2), rowSum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowLane(ref float g, ref float x, nuint i, ref TLane sum, ref TLane parameterSum)
    {
        var gi = TLane.Load(ref g, i);
        var xi = TLane.Load(ref x, i);
        sum += gi * gi;
        parameterSum += xi * xi;
    }

    /// <summary>
    /// Cⱼ += w·Σᵢ (G²ᵢⱼ + ε₁) and Sⱼ += Σᵢ G²ᵢⱼ/Rᵢ over <paramref name="count"/> rows of G, four lanes of columns
    /// at a time down the rows, the sums in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateColumns(int count, int columns, ReadOnlySpan<float> gradients, ReadOnlySpan<float> inverseRows,
                                          Span<float> column, Span<float> weighted, float weight, float eps1)
    {
        ref float g = ref Start(gradients), ir = ref Start(inverseRows), c = ref Start(column), s = ref Start(weighted);
        // Σᵢ (G²ᵢⱼ + ε₁) = Σᵢ G²ᵢⱼ + count·ε₁: one addition per column instead of one per element.
        float epsilons = count * eps1;
        var (vw, ve) = (TLane.Broadcast(weight), TLane.Broadcast(epsilons));
        nuint n = (nuint)columns, j = 0;
        for (; j + 4 * Width <= n; j += 4 * Width)
        {
            TLane c0 = TLane.Broadcast(0), c1 = c0, c2 = c0, c3 = c0, s0 = c0, s1 = c0, s2 = c0, s3 = c0;
            for (int r = 0; r < count; r++)
            {
                nuint at = (nuint)r * n + j;
                var inverse = TLane.Broadcast(Unsafe.Add(ref ir, r));
                ColumnLane(ref g, at, inverse, ref c0, ref s0);
                ColumnLane(ref g, at + Width, inverse, ref c1, ref s1);
                ColumnLane(ref g, at + 2 * Width, inverse, ref c2, ref s2);
                ColumnLane(ref g, at + 3 * Width, inverse, ref c3, ref s3);
            }
            AddColumnSums(ref c, ref s, j, vw, ve, c0, s0);
            AddColumnSums(ref c, ref s, j + Width, vw, ve, c1, s1);
            AddColumnSums(ref c, ref s, j + 2 * Width, vw, ve, c2, s2);
            AddColumnSums(ref c, ref s, j + 3 * Width, vw, ve, c3, s3);
        }
        for (; j + Width <= n; j += Width)
        {
            TLane c0 = TLane.Broadcast(0), s0 = c0;
            for (int r = 0; r < count; r++) ColumnLane(ref g, (nuint)r * n + j, TLane.Broadcast(Unsafe.Add(ref ir, r)), ref c0, ref s0);
            AddColumnSums(ref c, ref s, j, vw, ve, c0, s0);
        }
        for (; j < n; j++)
        {
            float columnSum = 0, weightedSum = 0;
            for (int r = 0; r < count; r++)
            {
                float gi = Unsafe.Add(ref g, (nuint)r * n + j), squared = gi * gi;
                columnSum += squared;
                weightedSum += squared * Unsafe.Add(ref ir, r);
            }
            Unsafe.Add(ref c, j) += weight * (columnSum + epsilons);
            Unsafe.Add(ref s, j) += weightedSum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnLane(ref float g, nuint i, TLane inverseRow, ref TLane columnSum, ref TLane weightedSum)
    {
        var gi = TLane.Load(ref g, i);
        var squared = gi * gi;
        columnSum += squared;
        weightedSum += squared * inverseRow;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddColumnSums(ref float c, ref float s, nuint j, TLane weight, TLane epsilons, TLane columnSum, TLane weightedSum)
    {
        TLane.Store(TLane.Load(ref c, j) + weight * (columnSum + epsilons), ref c, j);
        TLane.Store(TLane.Load(ref s, j) + weightedSum, ref s, j);
    }

    /// <summary>Σⱼ Sⱼ/Cⱼ, in float per block, added in double.</summary>
    private static double SumOfQuotients(ReadOnlySpan<float> weighted, ReadOnlySpan<float> column)
    {
        ref float s = ref Start(weighted), c = ref Start(column);
        double total = 0;
        nuint length = (nuint)weighted.Length;
        for (nuint start = 0; start < length; start += Block)
        {
            nuint end = Math.Min(length, start + Block), j = start;
            TLane sum = TLane.Broadcast(0);
            for (; j + Width <= end; j += Width) sum += TLane.Load(ref s, j) / TLane.Load(ref c, j);
            double partial = TLane.Total(sum);
            for (; j < end; j++) partial += Unsafe.Add(ref s, j) / Unsafe.Add(ref c, j);
            total += partial;
        }
        return total;
    }

    /// <summary>wⱼ = Cⱼ^−½.</summary>
    private static void InverseRoots(ReadOnlySpan<float> column, Span<float> inverseRoots)
    {
        ref float c = ref Start(column), w = ref Start(inverseRoots);
        var one = TLane.Broadcast(1);
        nuint length = (nuint)column.Length, j = 0;
        for (; j + Width <= length; j += Width) TLane.Store(one / TLane.Sqrt(TLane.Load(ref c, j)), ref w, j);
        for (; j < length; j++) Unsafe.Add(ref w, j) = 1 / MathF.Sqrt(Unsafe.Add(ref c, j));
    }

    private static void Scale(Span<float> values, float factor)
    {
        ref float x = ref Start(values);
        var f = TLane.Broadcast(factor);
        nuint length = (nuint)values.Length, j = 0;
        for (; j + Width <= length; j += Width) TLane.Store(TLane.Load(ref x, j) * f, ref x, j);
        for (; j < length; j++) Unsafe.Add(ref x, j) *= factor;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float Start(ReadOnlySpan<float> values) => ref System.Runtime.InteropServices.MemoryMarshal.GetReference(values);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float Start(Span<float> values) => ref System.Runtime.InteropServices.MemoryMarshal.GetReference(values);
}

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
                var (squares, parameterRowSquares) = AccumulateColumns(gradientRow, parameters.Slice(i * columns, columns), column, columnWeight, e);
                parameterSquares += parameterRowSquares;
                float r = (float)(beta * row[i] + (1 - beta) * (squares / columns));
                row[i] = r;
                rowSum += r;
                AddSquaresOver(gradientRow, weighted, 1 / r);
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

    /// <summary>C_j += w·(G_j² + ε₁) over one row; returns Σ (G_j² + ε₁) and the row's Σθ², read in the same loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double Squares, double ParameterSquares) AccumulateColumns(ReadOnlySpan<float> gradients, ReadOnlySpan<float> parameters,
                                                                               Span<float> column, float weight, float eps1)
    {
        ref float g = ref Start(gradients), x = ref Start(parameters), c = ref Start(column);
        var (vw, ve) = (TLane.Broadcast(weight), TLane.Broadcast(eps1));
        double total = 0, parameterTotal = 0;
        nuint length = (nuint)gradients.Length;
        for (nuint start = 0; start < length; start += Block)
        {
            nuint end = Math.Min(length, start + Block), i = start;
            TLane sum = TLane.Broadcast(0), parameterSum = sum, sum2 = sum, parameterSum2 = sum;
            // Two sums of each, so that the additions of one lane do not wait for the last.
            for (; i + 2 * Width <= end; i += 2 * Width)
            {
                ColumnLane(ref g, ref x, ref c, i, vw, ve, ref sum, ref parameterSum);
                ColumnLane(ref g, ref x, ref c, i + Width, vw, ve, ref sum2, ref parameterSum2);
            }
            for (; i + Width <= end; i += Width) ColumnLane(ref g, ref x, ref c, i, vw, ve, ref sum, ref parameterSum);
            double partial = TLane.Total(sum + sum2), parameterPartial = TLane.Total(parameterSum + parameterSum2);
            for (; i < end; i++)
            {
                float gi = Unsafe.Add(ref g, i), xi = Unsafe.Add(ref x, i), squared = gi * gi + eps1;
                partial += squared;
                parameterPartial += xi * xi;
                Unsafe.Add(ref c, i) += weight * squared;
            }
            total += partial;
            parameterTotal += parameterPartial;
        }
        return (total, parameterTotal);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnLane(ref float g, ref float x, ref float c, nuint i, TLane vw, TLane ve, ref TLane sum, ref TLane parameterSum)
    {
        var gi = TLane.Load(ref g, i);
        var xi = TLane.Load(ref x, i);
        var squared = gi * gi + ve;
        sum += squared;
        parameterSum += xi * xi;
        TLane.Store(TLane.Load(ref c, i) + vw * squared, ref c, i);
    }

    /// <summary>S_j += G_j²·w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSquaresOver(ReadOnlySpan<float> gradients, Span<float> sums, float weight)
    {
        ref float g = ref Start(gradients), s = ref Start(sums);
        var vw = TLane.Broadcast(weight);
        nuint length = (nuint)gradients.Length, i = 0;
        for (; i + Width <= length; i += Width)
        {
            var gi = TLane.Load(ref g, i);
            TLane.Store(TLane.Load(ref s, i) + gi * gi * vw, ref s, i);
        }
        for (; i < length; i++) Unsafe.Add(ref s, i) += Unsafe.Add(ref g, i) * Unsafe.Add(ref g, i) * weight;
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

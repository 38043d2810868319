using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// Adafactor's hyperparameters (torch.optim.Adafactor's defaults: lr 1e-2 as the cap of the relative
/// step, beta2_decay −0.8, eps1 1e-30, eps2 1e-3, clip threshold 1, no weight decay).
/// </summary>
public sealed record AdafactorHyperparameters(
    double Lr = 1e-2,
    double Beta2Decay = -0.8,
    double Eps1 = 1e-30,
    double Eps2 = 1e-3,
    double ClipThreshold = 1,
    double WeightDecay = 0,
    bool RelativeStep = true) : TensorHyperparameters
{
    /// <summary>The paper and the update equations, as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Adafactor — Shazeer & Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
        ICML 2018, Algorithms 4 (factored, parameters of 2 or more dimensions, seen as a matrix of
        rows = numel / last dim and columns = last dim) and 5 (unfactored, vectors), with the relative
        step size, update clipping and the increasing decay of section 7.2:

          ρₜ = min(lr, 1/√t)  (relative_step) | lr
          αₜ = max(ε₂, RMS(θₜ₋₁))·ρₜ
          β̂₂ₜ = 1 − t^c                                  (c = beta2_decay < 0)
          Rₜ = β̂₂ₜRₜ₋₁ + (1 − β̂₂ₜ)·rowmean(G² + ε₁)     (factored: R ∈ ℝʳᵒʷˢ, C ∈ ℝᶜᵒˡˢ)
          Cₜ = β̂₂ₜCₜ₋₁ + (1 − β̂₂ₜ)·colmean(G² + ε₁)
          V̂ₜ = RₜCₜᵀ / mean(Rₜ)
          V̂ₜ = β̂₂ₜV̂ₜ₋₁ + (1 − β̂₂ₜ)(G² + ε₁)             (unfactored)
          U = G/√V̂ₜ;  Û = U / max(1, RMS(U)/d)          (d = clip_threshold)
          θ ← θ·(1 − ρₜλ)                                (decoupled weight decay, when λ > 0)
          θ ← θ − αₜÛ
        """;

    /// <inheritdoc/>
    public override string Algorithm => "adafactor";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> SlotsFor(MatrixView view) =>
        view.Factored
            ? Layout(new StateSlot("exp_avg_sq_row"), new StateSlot("exp_avg_sq_col"))
            : Layout(null, null, new StateSlot("exp_avg_sq"));

    /// <inheritdoc/>
    public override long[] SlotShape(int slot, long[] parameterShape)
    {
        var view = MatrixView.Of(parameterShape);
        return !view.Factored ? parameterShape : [SlotLength(slot, view)];
    }

    /// <inheritdoc/>
    public override int SlotLength(int slot, MatrixView view) => (slot, view.Factored) switch
    {
        (0, true) => view.Rows,
        (1, true) => view.Columns,
        (2, false) => view.Length,
        _ => 0,
    };

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Beta2Decay = s.Beta2Decay ?? Beta2Decay,
            Eps1 = s.Eps1 ?? Eps1,
            Eps2 = s.Eps2 ?? Eps2,
            ClipThreshold = s.ClipThreshold ?? ClipThreshold,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            RelativeStep = s.RelativeStep ?? RelativeStep,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            Allowed.Positive("lr", Lr),
            Beta2Decay is < 0 and >= -1 ? null : new ValidationError("beta2_decay", $"must be in [-1, 0), got {Beta2Decay}"),
            Allowed.Positive("eps1", Eps1),
            Allowed.Positive("eps2", Eps2),
            Allowed.Positive("clip_threshold", ClipThreshold),
            Allowed.NonNegative("weight_decay", WeightDecay));

    /// <summary>ρₜ: the relative step size capped by lr, or lr.</summary>
    public double RelativeStepSize(StepContext context) =>
        RelativeStep ? Math.Min(context.LearningRate, 1 / Math.Sqrt(context.Step)) : context.LearningRate;

    /// <summary>β̂₂ₜ = 1 − t^c.</summary>
    public double Decay(long step) => 1 - Math.Pow(step, Beta2Decay);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Step<T>(StepContext context, MatrixView view, Span<T> parameters, ReadOnlySpan<T> gradients,
                                 Span<T> row, Span<T> column, Span<T> unfactored)
    {
        Check(view, parameters.Length, gradients.Length, row.Length, column.Length, unfactored.Length);
        if (view.Length == 0) return;
        if (typeof(T) == typeof(float))
        {
            StepFloat(context, view, AsFloats(parameters), AsFloats(gradients), AsFloats(row), AsFloats(column), AsFloats(unfactored));
            return;
        }
        double rho = RelativeStepSize(context);
        double alpha = Math.Max(Eps2, RootMeanSquare<T>(parameters)) * rho;
        double beta = Decay(context.Step);
        double meanRow = view.Factored ? UpdateFactors(view, gradients, row, column, beta) : 0;
        if (!view.Factored)
            for (int i = 0; i < unfactored.Length; i++)
            {
                double g = Widen(gradients[i]);
                unfactored[i] = Narrow<T>(beta * Widen(unfactored[i]) + (1 - beta) * (g * g + Eps1));
            }

        // Û = U / max(1, RMS(U)/d): a first pass for RMS(U) (U² = G²/V̂, no root), a second for the update.
        double sumOfSquares = 0;
        for (int i = 0; i < view.Rows; i++)
        {
            double rowScale = view.Factored ? Widen(row[i]) / meanRow : 1;
            for (int j = 0; j < view.Columns; j++)
            {
                int k = i * view.Columns + j;
                double g = Widen(gradients[k]);
                sumOfSquares += g * g / SecondMoment<T>(view, column, unfactored, rowScale, j, k);
            }
        }
        double clip = Math.Max(1, Math.Sqrt(sumOfSquares / view.Length) / ClipThreshold);
        double decay = context.WeightDecay != 0 ? 1 - rho * context.WeightDecay : 1;
        double scale = alpha / clip;
        for (int i = 0; i < view.Rows; i++)
        {
            double rowScale = view.Factored ? Widen(row[i]) / meanRow : 1;
            for (int j = 0; j < view.Columns; j++)
            {
                int k = i * view.Columns + j;
                double u = Widen(gradients[k]) / Math.Sqrt(SecondMoment<T>(view, column, unfactored, rowScale, j, k));
                parameters[k] = Narrow<T>(Widen(parameters[k]) * decay - scale * u);
            }
        }
    }

    /// <summary>The same step on float32 memory in SIMD lanes and two passes (<see cref="AdafactorFloatKernel{TLane}"/>), on the widest lanes the CPU has: what the adapter runs.</summary>
    private void StepFloat(StepContext context, MatrixView view, Span<float> parameters, ReadOnlySpan<float> gradients,
                           Span<float> row, Span<float> column, Span<float> unfactored)
    {
        if (Vector512.IsHardwareAccelerated) StepFloat<Float512Lane>(context, view, parameters, gradients, row, column, unfactored);
        else if (Vector256.IsHardwareAccelerated) StepFloat<Float256Lane>(context, view, parameters, gradients, row, column, unfactored);
        else StepFloat<FloatVectorLane>(context, view, parameters, gradients, row, column, unfactored);
    }

    /// <summary>The float32 step on <typeparamref name="TLane"/>; tests run every width through it.</summary>
    internal void StepFloat<TLane>(StepContext context, MatrixView view, Span<float> parameters, ReadOnlySpan<float> gradients,
                                   Span<float> row, Span<float> column, Span<float> unfactored)
        where TLane : struct, IFloatLane<TLane>
    {
        double rho = RelativeStepSize(context);
        double beta = Decay(context.Step);
        double decay = context.WeightDecay != 0 ? 1 - rho * context.WeightDecay : 1;
        var (parameterSquares, meanRow, updateSquares) = view.Factored
            ? AdafactorFloatKernel<TLane>.UpdateFactored(view.Rows, view.Columns, parameters, gradients, row, column, beta, Eps1)
            : Unfactored(AdafactorFloatKernel<TLane>.UpdateUnfactored(parameters, gradients, unfactored, beta, Eps1));
        double alpha = Math.Max(Eps2, Math.Sqrt(parameterSquares / view.Length)) * rho;
        double clip = Math.Max(1, Math.Sqrt(updateSquares / view.Length) / ClipThreshold);
        if (view.Factored) AdafactorFloatKernel<TLane>.ApplyFactored(view.Rows, view.Columns, parameters, gradients, row, column, meanRow, decay, alpha / clip);
        else AdafactorFloatKernel<TLane>.ApplyUnfactored(parameters, gradients, unfactored, decay, alpha / clip);

        static (double, double, double) Unfactored((double ParameterSquares, double UpdateSquares) sums) => (sums.ParameterSquares, 0, sums.UpdateSquares);
    }

    private static Span<float> AsFloats<T>(Span<T> values) where T : unmanaged =>
        MemoryMarshal.Cast<T, float>(values);

    private static ReadOnlySpan<float> AsFloats<T>(ReadOnlySpan<T> values) where T : unmanaged =>
        MemoryMarshal.Cast<T, float>(values);

    /// <summary>
    /// αₜ/√V̂ₜ, with αₜ from the parameters after the step (RMS(θₜ) for RMS(θₜ₋₁)) and without the
    /// clipping factor, which depends on the gradient: an approximation, exact while clipping is off.
    /// </summary>
    public override void EffectiveLearningRates<T>(StepContext context, MatrixView view, Span<T> destination, ReadOnlySpan<T> parameters,
                                                   ReadOnlySpan<T> row, ReadOnlySpan<T> column, ReadOnlySpan<T> unfactored)
    {
        Check(view, destination.Length, parameters.Length, row.Length, column.Length, unfactored.Length);
        if (view.Length == 0) return;
        double alpha = Math.Max(Eps2, RootMeanSquare(parameters)) * RelativeStepSize(context);
        double meanRow = view.Factored ? Mean(row) : 0;
        for (int i = 0; i < view.Rows; i++)
        {
            double rowScale = view.Factored ? Widen(row[i]) / meanRow : 1;
            for (int j = 0; j < view.Columns; j++)
            {
                int k = i * view.Columns + j;
                destination[k] = Narrow<T>(alpha / Math.Sqrt(SecondMoment(view, column, unfactored, rowScale, j, k)));
            }
        }
    }

    /// <summary>Rₜ and Cₜ in one row-major pass over G (the column means accumulate in place); returns mean(Rₜ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double UpdateFactors<T>(MatrixView view, ReadOnlySpan<T> gradients, Span<T> row, Span<T> column, double beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double columnWeight = (1 - beta) / view.Rows;
        for (int j = 0; j < view.Columns; j++) column[j] = Narrow<T>(beta * Widen(column[j]));
        for (int i = 0; i < view.Rows; i++)
        {
            double sum = 0;
            for (int j = 0; j < view.Columns; j++)
            {
                double g = Widen(gradients[i * view.Columns + j]);
                double squared = g * g + Eps1;
                sum += squared;
                column[j] += Narrow<T>(columnWeight * squared);
            }
            row[i] = Narrow<T>(beta * Widen(row[i]) + (1 - beta) * (sum / view.Columns));
        }
        return Mean<T>(row);
    }

    /// <summary>V̂ at (i, j): R_i·C_j/mean(R) (<paramref name="rowScale"/> = R_i/mean(R)) or v_k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SecondMoment<T>(MatrixView view, ReadOnlySpan<T> column, ReadOnlySpan<T> unfactored, double rowScale, int j, int k)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        view.Factored ? rowScale * Widen(column[j]) : Widen(unfactored[k]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double RootMeanSquare<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        foreach (T value in values)
        {
            double x = Widen(value);
            sum += x * x;
        }
        return Math.Sqrt(sum / values.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Mean<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        foreach (T value in values) sum += Widen(value);
        return sum / values.Length;
    }

    // double.CreateTruncating / T.CreateTruncating go through generic conversion chains that the JIT
    // does not always fold; these are plain casts for the two types the step runs on.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Widen<T>(T value)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Unsafe.As<T, float>(ref value)
        : typeof(T) == typeof(double) ? Unsafe.As<T, double>(ref value)
        : double.CreateTruncating(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Narrow<T>(double value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            float narrowed = (float)value;
            return Unsafe.As<float, T>(ref narrowed);
        }
        return typeof(T) == typeof(double) ? Unsafe.As<double, T>(ref value) : T.CreateTruncating(value);
    }

    private void Check(MatrixView view, int length, int other, int row, int column, int unfactored)
    {
        if (length != view.Length || other != view.Length || row != SlotLength(0, view) || column != SlotLength(1, view) || unfactored != SlotLength(2, view))
            throw new ArgumentException($"adafactor: buffers do not fit a {view.Rows}×{view.Columns} {(view.Factored ? "factored" : "unfactored")} parameter");
    }
}

using System.Collections.Immutable;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Core;

/// <summary>The result of one step: the next state and the parameters after the update.</summary>
public sealed record StepResult(OptimizerState State, ImmutableArray<double> Parameters);

/// <summary>
/// The reference path: one step of any algorithm on <c>double</c>, element by element, through the
/// same rule the fused kernel runs. <see cref="Step"/> is the record-level API (inputs never
/// mutated); <see cref="Apply"/> works in place on memory, for the adapter's general path.
/// </summary>
public static unsafe class ReferenceStep
{
    /// <summary>One step on immutable records: the next state and parameters; the inputs are never changed. Throws when the lengths differ.</summary>
    public static StepResult Step(Hyperparameters hyperparameters, OptimizerState state,
                                  ImmutableArray<double> parameters, ImmutableArray<double> gradients)
    {
        if (parameters.Length != gradients.Length)
            throw new ArgumentException($"{parameters.Length} parameters but {gradients.Length} gradients", nameof(gradients));
        if (hyperparameters is StagedHyperparameters staged) return StepGroup(staged, [state], [parameters], [gradients])[0];
        var slots = hyperparameters.Slots;
        double[][] buffers = Buffers(slots, state, parameters.Length);
        double[] next = parameters.ToArray();
        long step = state.Step + 1;
        Apply(hyperparameters, hyperparameters.ContextFor(step), next, gradients.AsSpan(), buffers[0], buffers[1], buffers[2]);
        var quantities = slots.Select((slot, index) => (slot, index))
            .Where(s => s.slot is not null)
            .Select(s => new StateQuantity(s.slot!.Name, ImmutableArray.Create(buffers[s.index])))
            .ToImmutableArray();
        return new StepResult(new OptimizerState(step, quantities), ImmutableArray.Create(next));
    }

    /// <summary>
    /// One step of a staged algorithm over a parameter group of several tensors, on immutable records: every
    /// tensor's next state (holding the group's scalars after the step) and parameters. The group's scalars are
    /// read from the first state; <paramref name="dimensions"/> gives each tensor's dimension count (default: vectors), or
    /// <paramref name="shapes"/> each tensor's shape (what matrix stages and per-shape slots read; it sets the dimensions).
    /// A tensor's state holds the slots <see cref="StagedHyperparameters.SlotsFor"/> its shape. Throws when the counts or lengths differ.
    /// </summary>
    public static ImmutableArray<StepResult> StepGroup(StagedHyperparameters algorithm, ImmutableArray<OptimizerState> states,
                                                        ImmutableArray<ImmutableArray<double>> parameters, ImmutableArray<ImmutableArray<double>> gradients,
                                                        ImmutableArray<int> dimensions = default, ImmutableArray<ImmutableArray<long>> shapes = default) =>
        StepGroups([new StagedGroup(algorithm, parameters.Length)], states, parameters, gradients, dimensions, shapes);

    /// <summary>
    /// One step of parameter groups that share their scalars (<see cref="StagedHyperparameters.SharesScalarsAcrossGroups"/>:
    /// Prodigy, D-Adaptation), on immutable records, as <see cref="StepGroup"/> for one group: <paramref name="groups"/> gives each
    /// group's record and how many of the tensors, in order, are its. The shared scalars are read from the first state; every
    /// state after the step holds the same. Throws when the groups cannot share (<see cref="SharedGroupScalars.Problem"/>) or the counts differ.
    /// </summary>
    public static ImmutableArray<StepResult> StepGroups(ImmutableArray<StagedGroup> groups, ImmutableArray<OptimizerState> states,
                                                         ImmutableArray<ImmutableArray<double>> parameters, ImmutableArray<ImmutableArray<double>> gradients,
                                                         ImmutableArray<int> dimensions = default, ImmutableArray<ImmutableArray<long>> shapes = default)
    {
        if (groups.IsDefaultOrEmpty || groups.Sum(g => g.Tensors) != parameters.Length || groups.Any(g => g.Tensors < 0))
            throw new ArgumentException($"the groups must hold the {parameters.Length} tensors between them", nameof(groups));
        var algorithmOf = groups.SelectMany(g => Enumerable.Repeat(g.Algorithm, g.Tensors)).ToArray();
        if (states.Length != parameters.Length || gradients.Length != parameters.Length || parameters.IsEmpty)
            throw new ArgumentException($"a group step needs as many states, parameter vectors and gradient vectors (at least one): {states.Length}, {parameters.Length}, {gradients.Length}");
        if (!shapes.IsDefault && shapes.Length != parameters.Length)
            throw new ArgumentException($"{parameters.Length} tensors but {shapes.Length} shapes", nameof(shapes));
        var tensors = new DoublePasses.Tensor[parameters.Length];
        var layouts = new ImmutableArray<StateSlot?>[parameters.Length];
        for (int t = 0; t < tensors.Length; t++)
        {
            if (parameters[t].Length != gradients[t].Length)
                throw new ArgumentException($"tensor {t}: {parameters[t].Length} parameters but {gradients[t].Length} gradients", nameof(gradients));
            int length = parameters[t].Length;
            long[] shape = shapes.IsDefault ? (dimensions.IsDefault || dimensions[t] == 1 ? [length] : []) : [.. shapes[t]];
            if (!shapes.IsDefault && shape.Aggregate(1L, (n, size) => n * size) != length)
                throw new ArgumentException($"tensor {t}: shape [{string.Join(", ", shape)}] does not hold {length} elements", nameof(shapes));
            int dimensionCount = !shapes.IsDefault ? shape.Length : dimensions.IsDefault ? 1 : dimensions[t];
            var algorithm = algorithmOf[t];
            layouts[t] = shape.Length > 0 ? algorithm.SlotsFor(shape) : algorithm.Slots;
            double[]?[] slots = [.. layouts[t].Select((slot, k) => slot is null ? null : Validated(states[t][slot.Name], slot.Name, (int)algorithm.SlotLength(k, length)).ToArray())];
            tensors[t] = new(algorithm.ContextFor(states[t].Step + 1), parameters[t].ToArray(), gradients[t].ToArray(), slots, dimensionCount, shape.Length > 0 ? shape : null);
        }
        var before = states[0].Scalars;
        int sumCount = groups[0].Algorithm.SumCount;
        var sums = new double[tensors.Length * sumCount];
        var after = StagedStep.Run(groups.AsSpan(), before, new DoublePasses(tensors), sums);
        return [.. tensors.Select((t, index) =>
        {
            var quantities = layouts[index].Select((slot, k) => (slot, k)).Where(s => s.slot is not null)
                .Select(s => new StateQuantity(s.slot!.Name, ImmutableArray.Create(t.Slots[s.k]!))).ToImmutableArray();
            var stage = new StageRecord(before, after, ImmutableArray.Create(sums, index * sumCount, sumCount), t.Dimensions,
                                        t.Shape is null ? default : ImmutableArray.Create(t.Shape));
            return new StepResult(new OptimizerState(t.Context.Step, quantities) { Scalars = after, Stage = stage }, ImmutableArray.Create(t.Parameters));
        })];
    }

    /// <summary>
    /// The parameters in the other view of an algorithm with two (Schedule-Free: <paramref name="toEvaluation"/> moves y to x,
    /// otherwise x to y), as the adapter's <c>eval()</c> and <c>train()</c> move them; the inputs are never changed. Before the
    /// first step (no state to interpolate with) both views are the parameters. Throws for algorithms with one view.
    /// </summary>
    public static ImmutableArray<double> View(StagedHyperparameters algorithm, OptimizerState state, ImmutableArray<double> parameters, bool toEvaluation)
    {
        if (!algorithm.HasEvaluationView) throw new ArgumentException($"{algorithm.Algorithm} has a single view of the parameters", nameof(algorithm));
        if (state.Step == 0) return parameters;
        double[]?[] slots = [.. algorithm.Slots.Select(slot => slot is null ? null : Validated(state[slot.Name], slot.Name, parameters.Length).ToArray())];
        double[] values = parameters.ToArray();
        var visitor = new ViewVisitor(values, slots);
        algorithm.VisitViewRule<ViewVisitor, bool>(toEvaluation, state.Scalars, ref visitor);
        return ImmutableArray.Create(values);
    }

    private readonly struct ViewVisitor(double[] parameters, double[]?[] slots) : ISlotRuleVisitor<bool>
    {
        public bool Visit<TRule>(in TRule rule) where TRule : struct, ISlotRule
        {
            SlotReference.Apply(rule, parameters, new double[parameters.Length], slots);
            return true;
        }
    }

    /// <summary>
    /// The effective per-parameter learning rate of the step that produced <paramref name="state"/>.
    /// Tensor-level algorithms (Adafactor) scale by the parameters' size too: pass the parameters after that step.
    /// </summary>
    public static ImmutableArray<double> EffectiveLearningRates(Hyperparameters hyperparameters, OptimizerState state, int size,
                                                                ImmutableArray<double> parameters = default)
    {
        if (hyperparameters is StagedHyperparameters staged) return StagedRates(staged, state, size);
        double[][] buffers = Buffers(hyperparameters.Slots, state, size);
        var rates = new double[size];
        if (hyperparameters is TensorHyperparameters tensor)
        {
            if (parameters.IsDefault || parameters.Length != size)
                throw new ArgumentException($"{tensor.Algorithm}'s effective learning rate needs the {size} parameters", nameof(parameters));
            var view = MatrixView.Vector(size);
            tensor.EffectiveLearningRates<double>(tensor.ContextFor(state.Step), view, rates, parameters.AsSpan(),
                                                  Used(buffers[0], tensor, 0, view), Used(buffers[1], tensor, 1, view), Used(buffers[2], tensor, 2, view));
            return ImmutableArray.Create(rates);
        }
        fixed (double* r = rates, s0 = buffers[0], s1 = buffers[1], s2 = buffers[2])
        {
            var visitor = new RateVisitor(r, s0, s1, s2, size);
            hyperparameters.WithRule<RateVisitor, bool>(hyperparameters.ContextFor(state.Step), ref visitor);
        }
        return ImmutableArray.Create(rates);
    }

    private static ImmutableArray<double> StagedRates(StagedHyperparameters algorithm, OptimizerState state, int size)
    {
        if (state.Stage is not { } stage) return ImmutableArray.Create(new double[size]);
        var layout = stage.Shape.IsDefault ? algorithm.Slots : algorithm.SlotsFor(stage.Shape.AsSpan());
        double[]?[] slots = [.. layout.Select((slot, k) => slot is null ? null : Validated(state[slot.Name], slot.Name, (int)algorithm.SlotLength(k, size)).ToArray())];
        var visitor = new StagedRateVisitor(slots, size, algorithm.Sampling);
        var inputs = new StageInputs(algorithm.ContextFor(state.Step), stage.Before, stage.After, stage.TensorSums.AsSpan(), stage.Dimensions,
                                     stage.Shape.IsDefault ? default : stage.Shape.AsSpan());
        algorithm.VisitSlotRule<StagedRateVisitor, double[]>(inputs, ref visitor);
        return ImmutableArray.Create(visitor.Rates);
    }

    private struct StagedRateVisitor(double[]?[] slots, int size, SlotSampling sampling) : ISlotRuleVisitor<double[]>
    {
        public double[] Rates = [];

        public double[] Visit<TRule>(in TRule rule) where TRule : struct, ISlotRule => Rates = SlotReference.EffectiveLearningRates(rule, slots, size, sampling);
    }

    /// <summary>One step in place. Every state span is as long as the parameters (unused slots too).</summary>
    public static void Apply(Hyperparameters hyperparameters, StepContext context, Span<double> parameters, ReadOnlySpan<double> gradients,
                             Span<double> state0, Span<double> state1, Span<double> state2)
    {
        int length = parameters.Length;
        if (hyperparameters is TensorHyperparameters tensor)
        {
            // The record-level and general paths see a vector: unfactored.
            var view = MatrixView.Vector(length);
            if (tensor.Maximize) gradients = GradientAscent.Negated(gradients);
            tensor.Step(context, view, parameters, gradients, Used(state0, tensor, 0, view), Used(state1, tensor, 1, view), Used(state2, tensor, 2, view));
            return;
        }
        if (gradients.Length != length || state0.Length != length || state1.Length != length || state2.Length != length)
            throw new ArgumentException("parameters, gradients and every state slot must have the same length");
        fixed (double* p = parameters, g = gradients, s0 = state0, s1 = state1, s2 = state2)
        {
            var visitor = new ApplyVisitor(p, g, s0, s1, s2, length);
            hyperparameters.VisitRule<ApplyVisitor, bool>(context, ref visitor);
        }
    }

    private static Span<double> Used(Span<double> buffer, TensorHyperparameters tensor, int slot, MatrixView view) =>
        buffer[..tensor.SlotLength(slot, view)];

    private static double[][] Buffers(ImmutableArray<StateSlot?> slots, OptimizerState state, int size) =>
        slots.Select(slot => slot is null ? new double[size] : Validated(state[slot.Name], slot.Name, size).ToArray()).ToArray();

    private static ImmutableArray<double> Validated(ImmutableArray<double> values, string name, int size) =>
        values.Length == size ? values
            : throw new ArgumentException($"state quantity '{name}' has {values.Length} elements but needs {size} for these parameters");

    // Pointers rather than spans, so that the visitors can be ordinary struct type arguments.
    private readonly struct ApplyVisitor(double* p, double* g, double* s0, double* s1, double* s2, int length) : IRuleVisitor<bool>
    {
        public bool Visit<TRule>(in TRule rule) where TRule : struct, IElementRule
        {
            // DoubleLane is a one-field struct over double: the same memory, element by element.
            DoubleLane* parameters = (DoubleLane*)p, state0 = (DoubleLane*)s0, state1 = (DoubleLane*)s1, state2 = (DoubleLane*)s2;
            for (int i = 0; i < length; i++)
                rule.Apply(ref parameters[i], new DoubleLane(g[i]), ref state0[i], ref state1[i], ref state2[i]);
            return true;
        }
    }

    private readonly struct RateVisitor(double* rates, double* s0, double* s1, double* s2, int length) : IRuleVisitor<bool>
    {
        public bool Visit<TRule>(in TRule rule) where TRule : struct, IElementRule
        {
            for (int i = 0; i < length; i++)
                rates[i] = rule.EffectiveLearningRate(new DoubleLane(s0[i]), new DoubleLane(s1[i]), new DoubleLane(s2[i])).Value;
            return true;
        }
    }
}

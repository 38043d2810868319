using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Transforms;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch;

/// <summary>
/// Any algorithm of src/Pure as a TorchSharp optimizer: <c>zero_grad</c>, <c>step</c>, parameter
/// groups with their own learning rate and weight decay, TorchSharp's learning-rate schedulers and
/// <c>state_dict</c> save/load work as with TorchSharp's own optimizers. The arithmetic is the
/// algorithm's rule: on dense float32 CPU tensors the fused kernel runs on the tensors' own memory
/// (one pass over all tensors, no copies, no managed allocations, optionally shared between cores); other dtypes and
/// devices take the double-precision reference path.
/// </summary>
public sealed partial class AdaptiveOptimizer : OptimizerHelper
{
    /// <summary>
    /// The default of <see cref="ShareCoresFrom"/>: steps of 4M float32 elements (16 MiB of parameters)
    /// or more. Below it the data sit in cache and handing chunks to a second thread cost more than it
    /// saved here (1M Adam: 0.28 ms on one core, 0.44–0.50 ms shared).
    /// </summary>
    public const int ShareLargeStepsFrom = 1 << 22;

    private readonly List<State> states = [];
    private readonly List<int> groupOfState = [];
    private readonly Dictionary<IntPtr, string> names = [];
    private readonly KernelJob job = new();
    private IntPtr[] gradients = [];

    /// <summary>The parameters, in one group, stepped by the algorithm <paramref name="hyperparameters"/> configures. Throws if they are invalid.</summary>
    public AdaptiveOptimizer(IEnumerable<Parameter> parameters, Hyperparameters hyperparameters)
        : this([new ParamGroup(parameters)], new OptimizerChain(hyperparameters, []), (Dictionary<IntPtr, string>?)null)
    {
    }

    /// <summary>Parameters with names (<c>module.named_parameters()</c>), which error messages then use.</summary>
    public AdaptiveOptimizer(IEnumerable<(string Name, Parameter Parameter)> namedParameters, Hyperparameters hyperparameters)
        : this(namedParameters, new OptimizerChain(hyperparameters, []))
    {
    }

    /// <summary>An algorithm with gradient transformations in front of it (clipping, masked weight decay, accumulation, lookahead).</summary>
    public AdaptiveOptimizer(IEnumerable<(string Name, Parameter Parameter)> namedParameters, OptimizerChain chain)
        : this(Named(namedParameters, out var names), chain, names)
    {
    }

    /// <summary>
    /// Parameter groups with gradient transformations in front of the algorithm, and the parameters' names for messages
    /// (Muon's split into orthogonalised and AdamW groups, <see cref="MuonGroups"/>, keeps its names this way).
    /// </summary>
    public AdaptiveOptimizer(IEnumerable<ParamGroup> groups, OptimizerChain chain, IEnumerable<(string Name, Parameter Parameter)> names)
        : this(groups, chain, names.ToDictionary(n => n.Parameter.Handle, n => n.Name))
    {
    }

    /// <summary>Parameter groups, each with its own learning rate and weight decay or its own record of the algorithm (<see cref="ParamGroup"/>).</summary>
    public AdaptiveOptimizer(IEnumerable<ParamGroup> groups, Hyperparameters hyperparameters)
        : this(groups, new OptimizerChain(hyperparameters, []), (Dictionary<IntPtr, string>?)null)
    {
    }

    /// <summary>An algorithm with its transformations, keeping its state at <paramref name="precision"/> (bfloat16 or 8-bit block-wise codes: fewer bytes per parameter).</summary>
    public AdaptiveOptimizer(IEnumerable<(string Name, Parameter Parameter)> namedParameters, OptimizerChain chain, StatePrecision precision)
        : this(Named(namedParameters, out var names), chain, names, precision)
    {
    }

    private AdaptiveOptimizer(IEnumerable<ParamGroup> groups, OptimizerChain chain, Dictionary<IntPtr, string>? parameterNames,
                              StatePrecision precision = StatePrecision.Float32)
    {
        StatePrecision = precision;
        var hyperparameters = chain.Algorithm;
        var errors = chain.Validate();
        if (errors.Count > 0) throw new ArgumentException($"invalid {hyperparameters.Algorithm} hyperparameters: {string.Join("; ", errors)}", nameof(chain));
        Hyperparameters = hyperparameters;
        Chain = chain;
        if (parameterNames is not null) names = parameterNames;
        _defaults = new Options { LearningRate = hyperparameters.Lr, InitialLearningRate = hyperparameters.Lr, WeightDecay = hyperparameters.WeightDecay, Hyperparameters = hyperparameters };
        _parameter_groups = [];
        foreach (var group in groups) add_param_group(group);
    }

    /// <summary>The algorithm and its hyperparameters; a parameter group may override any of them (<see cref="ParamGroup"/>).</summary>
    public Hyperparameters Hyperparameters { get; }

    /// <summary>
    /// Steps with at least this many float32 elements are shared between the cores, as many as
    /// LibTorch's thread budget allows (<c>torch.set_num_threads</c>); int.MaxValue keeps every step
    /// on the calling thread. At 10M parameters on this 2-core VM sharing made the 50-tensor
    /// model layout 1.3–1.9× faster and left one large tensor about even (README, Performance).
    /// </summary>
    public int ShareCoresFrom { get; init; } = ShareLargeStepsFrom;

    /// <summary>What a gradient with NaN or ∞ does (default: nothing is checked, as in torch.optim).</summary>
    public NonFinitePolicy NonFinite { get; set; } = NonFinitePolicy.None;

    /// <summary>Steps skipped under <see cref="NonFinitePolicy.Skip"/> because a gradient was not finite.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>The algorithm with the gradient transformations in front of it.</summary>
    public OptimizerChain Chain { get; }

    /// <summary>Every parameter's state, in parameter-group order.</summary>
    public IReadOnlyList<State> States => states;

    /// <summary>
    /// Adds a group (an <see cref="ParamGroup"/>): what it leaves unset comes from the optimizer; its record must be
    /// of the optimizer's algorithm and state layout, with valid values. Throws, naming the group, otherwise.
    /// </summary>
    public override void add_param_group(TorchSharp.Modules.ParamGroup param_group)
    {
        if (param_group is not ParamGroup group)
            throw new ArgumentException($"parameter groups of {nameof(AdaptiveOptimizer)} must be {nameof(AdaptiveOptimizer)}.{nameof(ParamGroup)}", nameof(param_group));
        var options = group.Options ??= new Options();
        var defaults = (Options)_defaults;
        options.LearningRate ??= defaults.LearningRate;
        options.WeightDecay ??= defaults.WeightDecay;
        options.InitialLearningRate = options.LearningRate!.Value;
        options.Hyperparameters = GroupRecord(options.Hyperparameters ?? defaults.Hyperparameters!, options, _parameter_groups.Count);
        if (options.Hyperparameters is StagedHyperparameters staged) options.Scalars = options.ScalarsBeforeLastStep = staged.InitialScalars;
        // A group joining groups that share their scalars takes theirs (the authors' new group would be overwritten at the next step).
        if (options.Hyperparameters is StagedHyperparameters { SharesScalarsAcrossGroups: true } && _parameter_groups.Count > 0)
            options.ShareScalars(((Options)_parameter_groups[0].Options).ScalarsBeforeLastStep, ((Options)_parameter_groups[0].Options).Scalars);
        // Its parameters have no z yet, so either view is theirs: it joins the optimizer's.
        options.EvaluationView = InEvaluationView;

        var parameters = group.Parameters.ToList();
        group.Parameters = parameters;
        _parameter_groups.Add(group);
        foreach (var (parameter, index) in parameters.Select((p, i) => (p, i)))
        {
            string name = names.TryGetValue(parameter.Handle, out var given) ? given : $"group {_parameter_groups.Count - 1} parameter {index} {Shape(parameter)}";
            if (!Chain.Transforms.IsEmpty && !NativeTensor.IsDenseCpuFloat32(parameter.Handle))
                throw new ArgumentException($"parameter '{name}': gradient transformations work on dense float32 CPU parameters, not {parameter.dtype} on {parameter.device}");
            CheckPrecision(parameter, name);
            var state = new State(this, parameter, name);
            state.Initialize(options);
            _state[parameter.Handle] = state;
            states.Add(state);
            groupOfState.Add(_parameter_groups.Count - 1);
        }
        gradients = new IntPtr[states.Count];
        skipped = new bool[states.Count];
    }

    /// <summary>
    /// The group's record with its learning rate and weight decay, checked: the optimizer's algorithm, the same
    /// state layout (every parameter's state is allocated from it), valid values.
    /// </summary>
    private Hyperparameters GroupRecord(Hyperparameters given, Options options, int index)
    {
        if (given.GetType() != Hyperparameters.GetType() || given.Algorithm != Hyperparameters.Algorithm || !given.Slots.SequenceEqual(Hyperparameters.Slots) ||
            (given as StagedHyperparameters)?.SampleStride != (Hyperparameters as StagedHyperparameters)?.SampleStride)
            throw new ArgumentException(
                $"parameter group {index}: its hyperparameters are {given.Algorithm}'s ({given.GetType().Name}) but the optimizer runs {Hyperparameters.Algorithm} ({Hyperparameters.GetType().Name}); " +
                "a group may change values, not the algorithm or its state layout (amsgrad, centered, momentum on or off, slice_p)", "param_group");
        var record = given.With(new HyperparameterSettings { Lr = options.LearningRate, WeightDecay = options.WeightDecay });
        var errors = SharedGroupScalars.GroupErrors(record);
        if (errors.Count > 0) throw new ArgumentException($"parameter group {index}: {string.Join("; ", errors)}", "param_group");
        return record;
    }

    /// <summary>
    /// One step of every parameter that has a gradient, each with its group's hyperparameters (the learning rate
    /// and weight decay in force, the record's other values); returns the closure's loss, if any.
    /// </summary>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        EnsureTrainingView();
        EnsureGroupsCanShareScalars();
        Tensor? loss = null;
        if (closure is not null)
        {
            using (enable_grad()) loss = closure();
        }
        try
        {
            CollectGradients();
            if (NonFinite != NonFinitePolicy.None && !GradientsAreFinite())
            {
                SkippedSteps++;
                return loss!;
            }
            if (!Chain.Transforms.IsEmpty) TransformGradients();
            if (Hyperparameters is StagedHyperparameters)
            {
                StepStagedGroups();
                if (Chain.Find<Lookahead>() is { } stagedLookahead) SynchroniseLookahead(stagedLookahead);
                return loss!;
            }
            job.Begin(states.Count);
            for (int i = 0; i < states.Count; i++)
            {
                if (gradients[i] == IntPtr.Zero || skipped[i]) continue;
                var state = states[i];
                var options = (Options)_parameter_groups[groupOfState[i]].Options;
                state.Step++;
                var context = new StepContext(state.Step, options.LearningRate!.Value, options.WeightDecay!.Value);
                var record = options.Hyperparameters!;
                bool float32 = NativeTensor.IsDenseCpuFloat32(state.Parameter.Handle) && NativeTensor.IsDenseCpuFloat32(gradients[i]);
                if (record is TensorHyperparameters tensorLevel) TensorStep(tensorLevel, state, gradients[i], context, float32);
                else if (StatePrecision != StatePrecision.Float32) AddToCompressedStep(record, state, gradients[i], context);
                else if (float32) AddToFusedStep(record, state, gradients[i], context);
                else GeneralStep(record, state, context);
            }
            RunFusedStep();
            if (Chain.Find<Lookahead>() is { } lookahead) SynchroniseLookahead(lookahead);
        }
        finally
        {
            ReleaseGradients();
        }
        return loss!;
    }

    /// <summary>Fetches every gradient first, so that a gradient we cannot use fails the step before any parameter changes.</summary>
    private void CollectGradients()
    {
        for (int i = 0; i < states.Count; i++)
        {
            var state = states[i];
            IntPtr gradient = gradients[i] = NativeTensor.Gradient(state.Parameter.Handle);
            if (gradient == IntPtr.Zero) continue;
            if (NativeTensor.IsSparse(gradient))
                throw new ArgumentException($"parameter '{state.Name}': sparse gradients are not supported by {Hyperparameters.Algorithm}; the optimizer is unchanged");
            if (!Chain.Transforms.IsEmpty && !NativeTensor.IsDenseCpuFloat32(gradient))
                throw new ArgumentException($"parameter '{state.Name}': gradient transformations need a dense float32 CPU gradient; the optimizer is unchanged");
            if (NativeTensor.ElementCount(gradient) != NativeTensor.ElementCount(state.Parameter.Handle))
                throw new ArgumentException($"parameter '{state.Name}': the gradient has {NativeTensor.ElementCount(gradient)} elements but the parameter {NativeTensor.ElementCount(state.Parameter.Handle)}; the optimizer is unchanged");
        }
    }

    /// <summary>Checks every gradient before anything changes: throws under Error, returns false under Skip.</summary>
    private unsafe bool GradientsAreFinite()
    {
        for (int i = 0; i < states.Count; i++)
        {
            IntPtr gradient = gradients[i];
            if (gradient == IntPtr.Zero) continue;
            bool finite = NativeTensor.IsDenseCpuFloat32(gradient)
                ? FiniteCheck.AllFinite(new ReadOnlySpan<float>((float*)NativeTensor.Data(gradient), checked((int)NativeTensor.ElementCount(gradient))))
                : IsFinite(states[i].Parameter);
            if (finite) continue;
            if (NonFinite == NonFinitePolicy.Skip) return false;
            throw new NonFiniteGradientException(states[i].Name, states[i].Step + 1);
        }
        return true;
    }

    private static bool IsFinite(Parameter parameter)
    {
        using var scope = NewDisposeScope();
        return parameter.grad!.isfinite().all().item<bool>();
    }

    private void ReleaseGradients()
    {
        for (int i = 0; i < gradients.Length; i++)
        {
            if (gradients[i] != IntPtr.Zero) NativeTensor.Dispose(gradients[i]);
            gradients[i] = IntPtr.Zero;
        }
    }

    private void AddToFusedStep(Hyperparameters record, State state, IntPtr gradient, StepContext context)
    {
        var slots = state.Slots;
        job.Add(record, context, NativeTensor.Data(state.Parameter.Handle), NativeTensor.Data(gradient),
            FloatSlot(slots[0]), FloatSlot(slots[1]), FloatSlot(slots[2]), NativeTensor.ElementCount(state.Parameter.Handle));
    }

    /// <summary>
    /// All float32 tensors of this step in one pass (compressed state decoded and encoded around the kernel); a large step is shared between at most as many
    /// threads as LibTorch's intra-op budget (<c>torch.get_num_threads()</c>), so that
    /// <c>torch.set_num_threads(1)</c> keeps the step on the calling thread too.
    /// </summary>
    private void RunFusedStep()
    {
        if (job.Length > int.MaxValue)
        {
            job.RunAll();
            return;
        }
        int threads = job.Length >= ShareCoresFrom ? get_num_threads() : 1;
        CoreSplitter.Shared.Run(job, (int)job.Length, ShareCoresFrom, threads);
    }

    private static SlotStorage FloatSlot(Tensor? slot) =>
        slot is null ? SlotStorage.None : new SlotStorage(NativeTensor.Data(slot.Handle), IntPtr.Zero, StatePrecision.Float32, NonNegative: false);

    /// <summary>Any dtype or device: the double-precision reference rule on copies, written back in the tensors' own dtype.</summary>
    private static void GeneralStep(Hyperparameters record, State state, StepContext context)
    {
        // The reference rule wants every slot as long as the parameters, unused ones too.
        OnDoubleCopies(state, unusedSlotLength: checked((int)state.Parameter.numel()),
            (values, gradient, slots) => ReferenceStep.Apply(record, context, values, gradient, slots[0], slots[1], slots[2]));
    }

    /// <summary>
    /// Runs <paramref name="step"/> on double copies of the parameter, its gradient and its state slots
    /// (unused slots as zeros of <paramref name="unusedSlotLength"/>), then writes them back in the
    /// tensors' own dtype and shape: the general path for dtypes and devices the kernels do not take.
    /// </summary>
    private static void OnDoubleCopies(State state, int unusedSlotLength, Action<double[], double[], double[][]> step)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parameter = state.Parameter;
        double[] values = AsDoubles(parameter);
        double[][] slots = [.. state.Slots.Select(slot => slot is null ? new double[unusedSlotLength] : AsDoubles(slot))];
        step(values, AsDoubles(parameter.grad!), slots);
        parameter.copy_(tensor(values).reshape(parameter.shape));
        for (int k = 0; k < slots.Length; k++) state.Slots[k]?.copy_(tensor(slots[k]).reshape(state.Slots[k]!.shape));
    }

    /// <summary>
    /// The state slots of <paramref name="parameter"/>: per shape for tensor-level algorithms (Adafactor factors matrices) and
    /// for staged ones as its group's record says (Muon's matrices and vectors keep different slots).
    /// </summary>
    internal System.Collections.Immutable.ImmutableArray<StateSlot?> LayoutOf(Tensor parameter, Hyperparameters? groupRecord = null) =>
        (groupRecord ?? (_state.TryGetValue(parameter.Handle, out var state) ? ((State)state).Record : null) ?? Hyperparameters) switch
        {
            TensorHyperparameters tensorLevel => tensorLevel.SlotsFor(MatrixView.Of(parameter.shape)),
            StagedHyperparameters staged => staged.SlotsFor(parameter.shape),
            var record => record.Slots,
        };

    /// <summary>The shape of slot <paramref name="slot"/>'s tensor: the parameter's, or the algorithm's own (Adafactor's row and column factors).</summary>
    internal long[] SlotShapeOf(int slot, Tensor parameter) => Hyperparameters switch
    {
        TensorHyperparameters tensorLevel => tensorLevel.SlotShape(slot, parameter.shape),
        StagedHyperparameters staged when staged.Sampling.IsSampled(slot) => [staged.SlotLength(slot, parameter.numel())],
        _ => parameter.shape,
    };

    /// <summary>The shape of slot <paramref name="slot"/>'s tensor as stored: <see cref="SlotShapeOf"/>, or the compressed tensor's.</summary>
    internal long[] StoredSlotShapeOf(int slot, Tensor parameter) =>
        StatePrecision == StatePrecision.Float32 ? SlotShapeOf(slot, parameter) : CompressedShape(parameter);

    /// <summary>
    /// A tensor-level algorithm, one tensor at a time: in place on float32 CPU memory, otherwise on
    /// double copies written back in the tensors' own dtype.
    /// </summary>
    private unsafe void TensorStep(TensorHyperparameters algorithm, State state, IntPtr gradient, StepContext context, bool float32)
    {
        var view = state.View;
        var slots = state.Slots;
        if (float32)
        {
            var gradientValues = new ReadOnlySpan<float>((float*)NativeTensor.Data(gradient), view.Length);
            // maximize: the step reads −g from a copy; the parameter's own gradient is left as it is, as in torch.optim.
            float[]? ascent = algorithm.Maximize ? System.Buffers.ArrayPool<float>.Shared.Rent(view.Length) : null;
            if (ascent is not null) GradientAscent.Negate(gradientValues, ascent);
            algorithm.Step(context, view,
                new Span<float>((float*)NativeTensor.Data(state.Parameter.Handle), view.Length),
                ascent is null ? gradientValues : ascent.AsSpan(0, view.Length),
                FloatSlot(slots[0], algorithm.SlotLength(0, view)), FloatSlot(slots[1], algorithm.SlotLength(1, view)), FloatSlot(slots[2], algorithm.SlotLength(2, view)));
            if (ascent is not null) System.Buffers.ArrayPool<float>.Shared.Return(ascent);
            return;
        }
        TensorStepOnDoubleCopies(algorithm, state, context);
    }

    /// <summary>
    /// The general path of <see cref="TensorStep"/>, in a method of its own: its lambda's captures would
    /// otherwise be allocated on every float32 call too (C# creates a closure where the captured parameters come into scope).
    /// </summary>
    private static void TensorStepOnDoubleCopies(TensorHyperparameters algorithm, State state, StepContext context)
    {
        var view = state.View;
        OnDoubleCopies(state, unusedSlotLength: 0,
            (values, gradientValues, buffers) => algorithm.Step<double>(context, view, values,
                algorithm.Maximize ? GradientAscent.Negated(gradientValues) : gradientValues, buffers[0], buffers[1], buffers[2]));
    }

    private static unsafe Span<float> FloatSlot(Tensor? slot, int length) =>
        slot is null ? [] : new Span<float>((float*)NativeTensor.Data(slot.Handle), length);

    private static double[] AsDoubles(Tensor source) => source.detach().to(float64, CPU).contiguous().data<double>().ToArray();

    /// <summary>Frees every parameter's state tensors.</summary>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        foreach (var state in states) state.Dispose();
    }

    private static string Shape(Tensor tensor) => $"[{string.Join(", ", tensor.shape)}]";

    private static IEnumerable<ParamGroup> Named(IEnumerable<(string Name, Parameter Parameter)> named, out Dictionary<IntPtr, string> names)
    {
        var list = named.ToList();
        names = list.ToDictionary(n => n.Parameter.Handle, n => n.Name);
        return [new ParamGroup(list.Select(n => n.Parameter))];
    }
}

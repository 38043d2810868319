using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Transforms;
using OptimizerState = TorchSharp.Modules.OptimizerState;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch;

public sealed partial class AdaptiveOptimizer
{
    /// <summary>
    /// One parameter's state: its step count and the algorithm's slot tensors (shaped like the
    /// parameter; null where the algorithm does not use the slot).
    /// </summary>
    public sealed class State : OptimizerState, IDisposable
    {
        private readonly AdaptiveOptimizer owner;
        private (long Step, Tensor?[] Slots, Extras Extras)? pending;

        internal State(AdaptiveOptimizer owner, Parameter parameter, string name) : base(parameter)
        {
            this.owner = owner;
            Name = name;
        }

        /// <summary>The parameter's name in messages: its module path where the optimizer was given names.</summary>
        public string Name { get; }

        /// <summary>How many steps this parameter has taken (torch.optim's <c>step</c>).</summary>
        public long Step { get; internal set; }

        /// <summary>The record of this parameter's group when the state was initialised (what its slot layout follows).</summary>
        internal Hyperparameters? Record { get; private set; }

        /// <summary>The algorithm this state belongs to.</summary>
        public string Algorithm => owner.Hyperparameters.Algorithm;

        internal Tensor?[] Slots { get; private set; } = [];

        /// <summary>How many dimensions the parameter has (read once: TorchSharp builds its shape array on every call).</summary>
        internal int Dimensions { get; private set; }

        /// <summary>A staged algorithm's sums of this tensor in its last step (what its element rule read).</summary>
        internal double[] LastSums { get; set; } = [];

        /// <summary>The parameter as a matrix (rows × last dimension), for tensor-level algorithms; read once, the shape never changes.</summary>
        internal MatrixView View { get; private set; }

        /// <summary>Gradient accumulation: the sum of this update's micro-batch gradients so far, and how many.</summary>
        internal Tensor? Accumulator => extras.Accumulator;

        internal int MicroSteps { get => extras.MicroSteps; set => extras = extras with { MicroSteps = value }; }

        /// <summary>Lookahead's slow weights.</summary>
        internal Tensor? Slow => extras.Slow;

        /// <summary>Whether masked weight decay applies to this parameter (not to biases and other 1-D parameters).</summary>
        internal bool Decayed { get; private set; }

        private Extras extras = new(null, 0, null);

        /// <summary>The state of the chain's transformations.</summary>
        private sealed record Extras(Tensor? Accumulator, int MicroSteps, Tensor? Slow);

        /// <summary>The parameter this state belongs to.</summary>
        public Parameter Parameter => _parameter;

        /// <summary>The state quantity called <paramref name="name"/> (<c>m</c>, <c>v</c>, <c>square_avg</c>, …).</summary>
        public Tensor this[string name]
        {
            get
            {
                var slots = owner.LayoutOf(_parameter, Record);
                for (int k = 0; k < slots.Length; k++)
                    if (slots[k]?.Name == name)
                        return owner.StatePrecision == StatePrecision.Float32 ? Slots[k]! : owner.Decompress(Slots[k]!, _parameter, slots[k]!);
                throw new KeyNotFoundException($"{owner.Hyperparameters.Algorithm} has no state quantity '{name}'");
            }
        }

        /// <summary>Step 0 and every slot at its initial value, shaped for the parameter; transformation state as the chain needs.</summary>
        public override void Initialize(OptimizerOptions options)
        {
            DisposeSlots();
            Step = 0;
            View = MatrixView.Of(_parameter.shape);
            Dimensions = _parameter.shape.Length;
            Record = ((Options)options).Hyperparameters;
            var layout = owner.LayoutOf(_parameter, Record);
            Slots = new Tensor?[layout.Length];
            for (int k = 0; k < Slots.Length; k++)
                Slots[k] = layout[k] is { } slot ? InitialSlot(k, slot) : null;
            var chain = owner.Chain;
            extras = new Extras(
                chain.Find<AccumulateGradients>() is { Steps: > 1 } ? zeros_like(_parameter).DetachFromDisposeScope() : null,
                0,
                chain.Find<Lookahead>() is not null ? _parameter.detach().clone().DetachFromDisposeScope() : null);
            Decayed = chain.Find<MaskedWeightDecay>()?.Applies(_parameter.shape) ?? false;
        }

        private string PrecisionHint => owner.StatePrecision == StatePrecision.Float32 ? "" : $" (kept at {AdaptiveOptimizer.Name(owner.StatePrecision)}; saved at another --state-precision?)";

        private Tensor InitialSlot(int k, StateSlot slot)
        {
            var values = full(owner.SlotShapeOf(k, _parameter), slot.InitialValue, _parameter.dtype, _parameter.device);
            if (owner.StatePrecision == StatePrecision.Float32) return values.DetachFromDisposeScope();
            using (values) return owner.Compress(values, _parameter, slot).DetachFromDisposeScope();
        }

        /// <summary>Writes the algorithm's name, the step, each slot (or its absence) and the transformations' state.</summary>
        public override void SaveStateDict(BinaryWriter writer)
        {
            writer.Write(owner.Hyperparameters.Algorithm);
            writer.Write(Step);
            foreach (var slot in Slots)
            {
                writer.Write(slot is not null);
                slot?.Save(writer);
            }
            writer.Write(extras.MicroSteps);
            foreach (var extra in new[] { extras.Accumulator, extras.Slow })
            {
                writer.Write(extra is not null);
                extra?.Save(writer);
            }
        }

        /// <summary>
        /// Reads and checks this parameter's state; it takes effect only when every parameter's state
        /// has loaded, so a bad stream leaves the optimizer as it was.
        /// </summary>
        public override void LoadStateDict(BinaryReader reader)
        {
            try
            {
                owner.BeginLoadIfFirst(this);
                string algorithm = reader.ReadString();
                if (algorithm != owner.Hyperparameters.Algorithm)
                    throw new InvalidDataException($"parameter '{Name}': the state is {algorithm}'s but this optimizer runs {owner.Hyperparameters.Algorithm}; the optimizer is unchanged");
                long step = reader.ReadInt64();
                var layout = owner.LayoutOf(_parameter, Record);
                var slots = new Tensor?[layout.Length];
                pending = (step, slots, new Extras(null, 0, null));
                for (int k = 0; k < slots.Length; k++)
                {
                    var expected = layout[k];
                    slots[k] = ReadTensor(reader, expected is null ? null : owner.StoredSlotShapeOf(k, _parameter), $"state quantity {expected?.Name ?? $"slot {k}"}{PrecisionHint}", owner.SlotDtypeOf(_parameter));
                }
                int microSteps = reader.ReadInt32();
                int accumulate = owner.Chain.Find<AccumulateGradients>() is { Steps: > 1 } accumulation ? accumulation.Steps : 1;
                if (microSteps < 0 || microSteps >= accumulate)
                    throw new InvalidDataException($"parameter '{Name}': {microSteps} accumulated micro-batches, allowed 0 to {accumulate - 1}; the optimizer is unchanged");
                pending = (step, slots, new Extras(ReadTensor(reader, accumulate > 1 ? _parameter.shape : null, "accumulated gradient"), microSteps, null));
                pending = (step, slots, pending.Value.Extras with { Slow = ReadTensor(reader, owner.Chain.Find<Lookahead>() is not null ? _parameter.shape : null, "lookahead's slow weights") });
                owner.CheckCompatible(Name, algorithm, step, slots, _parameter);
                owner.CheckCompatibleTransforms(Name, pending.Value.Extras.Accumulator, pending.Value.Extras.Slow, _parameter);
            }
            catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or InvalidDataException or InvalidOperationException or OverflowException)
            {
                owner.DiscardPendingLoad();
                throw e as InvalidDataException ?? new InvalidDataException($"parameter '{Name}': unreadable optimizer state ({e.Message}); the optimizer is unchanged", e);
            }
            owner.CommitIfLast(this);
        }

        /// <summary>Copies another state of this optimizer's kind (checked by <see cref="AdaptiveOptimizer.load_state_dict(TorchSharp.Modules.OptimizerHelper.StateDictionary)"/>).</summary>
        public override void LoadStateDict(OptimizerState source)
        {
            var other = (State)source;
            DisposeSlots();
            Step = other.Step;
            Slots = [.. other.Slots.Select(Copy)];
            extras = new Extras(Copy(other.Accumulator), other.MicroSteps, Copy(other.Slow));
        }

        private Tensor? Copy(Tensor? tensor) => tensor?.to(_parameter.device).clone().DetachFromDisposeScope();

        /// <summary>
        /// An optional tensor, checked against <paramref name="shape"/> (null: it must be absent), the
        /// parameter's dtype and finiteness before it is created: bytes never decide what is allocated.
        /// </summary>
        private Tensor? ReadTensor(BinaryReader reader, long[]? shape, string what, ScalarType? dtype = null)
        {
            bool present = reader.ReadBoolean();
            if (present != (shape is not null))
                throw new InvalidDataException($"parameter '{Name}': {what} is {(present ? "unexpected" : "missing")} (saved with other hyperparameters or transformations, e.g. amsgrad, centered, momentum, accumulation or lookahead?); the optimizer is unchanged");
            return present ? SerializedTensor.Read(reader, dtype ?? _parameter.dtype, shape, $"parameter '{Name}': {what}").DetachFromDisposeScope() : null;
        }

        /// <summary>Same step and every slot close (<c>allclose</c>).</summary>
        public override bool ApproximatelyEquals(OptimizerState other) =>
            other is State state && state.Step == Step &&
            Slots.Zip(state.Slots).All(pair => pair.First is null ? pair.Second is null : pair.Second is not null && pair.First.allclose(pair.Second));

        /// <summary>Moves the slots to <paramref name="device"/>.</summary>
        public override void to(Device device)
        {
            for (int k = 0; k < Slots.Length; k++)
            {
                if (Slots[k] is not { } slot) continue;
                Slots[k] = slot.to(device).DetachFromDisposeScope();
                if (!ReferenceEquals(slot, Slots[k])) slot.Dispose();
            }
        }

        /// <summary>Takes <paramref name="slots"/> (already checked) as this parameter's state at <paramref name="step"/>.</summary>
        internal void Replace(long step, Tensor?[] slots)
        {
            foreach (var slot in Slots) slot?.Dispose();
            (Step, Slots) = (step, slots);
        }

        internal bool HasPending => pending is not null;

        internal void CommitPending()
        {
            if (pending is not var (step, slots, loaded)) return;
            DisposeSlots();
            (Step, Slots, extras, pending) = (step, slots, loaded, null);
        }

        internal void DiscardPending()
        {
            if (pending is var (_, slots, loaded))
                foreach (var tensor in slots.Append(loaded.Accumulator).Append(loaded.Slow)) tensor?.Dispose();
            pending = null;
        }

        /// <summary>Frees the slot tensors and anything staged by a load.</summary>
        public void Dispose()
        {
            DiscardPending();
            DisposeSlots();
        }

        private void DisposeSlots()
        {
            foreach (var slot in Slots) slot?.Dispose();
            Slots = [];
            extras.Accumulator?.Dispose();
            extras.Slow?.Dispose();
            extras = new Extras(null, 0, null);
        }
    }
}

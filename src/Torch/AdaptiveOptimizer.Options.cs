using AdaptiveLR.Pure.Core;
using TorchSharp.Modules;
using static TorchSharp.torch.optim;

namespace AdaptiveLR.Torch;

public sealed partial class AdaptiveOptimizer
{
    /// <summary>
    /// A parameter group's hyperparameters: the learning rate (what schedulers change), the weight decay,
    /// and the algorithm's record with every other hyperparameter (β₁, β₂, eps, momentum, …; what
    /// <c>cycle_momentum</c> changes). Where a group gives none, the optimizer's apply.
    /// </summary>
    public sealed class Options : OptimizerOptions
    {
        /// <summary>The weight decay of the group's parameters (λ; decoupled or L2 as the algorithm defines it).</summary>
        public double? WeightDecay { get; set; }

        /// <summary>
        /// The group's record of the optimizer's algorithm (same type, same state layout). Its <c>Lr</c> and
        /// <c>WeightDecay</c> are those of <see cref="OptimizerOptions.LearningRate"/> and <see cref="WeightDecay"/>
        /// when the group was added; from then on those two properties are what a step uses.
        /// </summary>
        public Hyperparameters? Hyperparameters { get; internal set; }

        /// <summary>The group's scalars of a staged algorithm (Prodigy's d, Schedule-Free's weight sum, …), as torch keeps them in <c>param_groups</c>; empty for the others.</summary>
        public GroupScalars Scalars { get; internal set; } = GroupScalars.Empty;

        /// <summary>The scalars before the group's last step, which its element rule read (the effective learning rate reads them again).</summary>
        internal GroupScalars ScalarsBeforeLastStep { get; set; } = GroupScalars.Empty;

        /// <summary>
        /// Whether the group's parameters hold the evaluation view (Schedule-Free's x, after <c>eval()</c>) rather than the training
        /// view y: the authors' <c>train_mode</c>, negated. Always false for algorithms with one view.
        /// </summary>
        public bool EvaluationView { get; internal set; }

        private (double Initial, double Lr, double WeightDecay, GroupScalars Scalars, bool EvaluationView)? pending;

        /// <summary>
        /// Writes the initial and current learning rate and the weight decay (the record is configuration, not state),
        /// and a staged algorithm's group scalars by name.
        /// </summary>
        public override void SaveStateDict(BinaryWriter writer)
        {
            base.SaveStateDict(writer);
            writer.Write(WeightDecay!.Value);
            if (Hyperparameters is not StagedHyperparameters staged) return;
            writer.Write(Scalars.Count);
            foreach (var (name, value) in Scalars)
            {
                writer.Write(name);
                writer.Write(value);
            }
            if (staged.HasEvaluationView) writer.Write(EvaluationView);
        }

        /// <summary>Reads the values but applies them only when the whole optimizer state has loaded (see <see cref="AdaptiveOptimizer"/>).</summary>
        public override void LoadStateDict(BinaryReader reader)
        {
            var (initial, lr, weightDecay) = (reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble());
            var staged = Hyperparameters as StagedHyperparameters;
            var scalars = staged is not null ? ReadScalars(reader, staged) : GroupScalars.Empty;
            bool evaluationView = staged is { HasEvaluationView: true } && ReadView(reader);
            pending = (initial, lr, weightDecay, scalars, evaluationView);
        }

        /// <summary>The view flag, one byte that must be 0 (training view y) or 1 (evaluation view x).</summary>
        private static bool ReadView(BinaryReader reader) => reader.ReadByte() switch
        {
            0 => false,
            1 => true,
            var other => throw new InvalidDataException($"the parameters' view is recorded as {other}, not 0 (training, y) or 1 (evaluation, x); the optimizer is unchanged"),
        };

        /// <summary>The group scalars, checked against the algorithm's names before any is kept.</summary>
        private static GroupScalars ReadScalars(BinaryReader reader, StagedHyperparameters algorithm)
        {
            var initial = algorithm.InitialScalars;
            var expected = initial.Names;
            int count = reader.ReadInt32();
            if (count != expected.Length)
                throw new InvalidDataException($"{algorithm.Algorithm} keeps {expected.Length} group scalars ({string.Join(", ", expected)}) but the state has {count}; the optimizer is unchanged");
            // The algorithm's own scalars with every value replaced: count names, each expected and none twice, replace them all.
            var scalars = initial;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                double value = reader.ReadDouble();
                if (!initial.Contains(name) || !seen.Add(name))
                    throw new InvalidDataException($"group scalar '{name}' is not one of {algorithm.Algorithm}'s ({string.Join(", ", expected)}) or appears twice; the optimizer is unchanged");
                if (double.IsNaN(value))
                    throw new InvalidDataException($"group scalar '{name}' is NaN; the optimizer is unchanged");
                scalars = scalars.With(name, value);
            }
            return scalars;
        }

        /// <summary>Takes the scalars every group of a step with shared scalars holds: those before it and after it.</summary>
        internal void ShareScalars(GroupScalars before, GroupScalars after) => (Scalars, ScalarsBeforeLastStep) = (after, before);

        /// <summary>Copies another group's learning rates, weight decay and record.</summary>
        public override void LoadStateDict(OptimizerOptions source)
        {
            base.LoadStateDict(source);
            var options = (Options)source;
            (WeightDecay, Hyperparameters) = (options.WeightDecay, options.Hyperparameters ?? Hyperparameters);
            (Scalars, ScalarsBeforeLastStep, EvaluationView) = (options.Scalars, options.ScalarsBeforeLastStep, options.EvaluationView);
        }

        /// <summary>Why the values read cannot be used (not finite, negative), or null.</summary>
        internal string? PendingProblem() =>
            pending is var (initial, lr, weightDecay, _, _) && !(double.IsFinite(initial) && double.IsFinite(lr) && double.IsFinite(weightDecay) && lr >= 0 && initial >= 0 && weightDecay >= 0)
                ? $"a parameter group's learning rate {lr} (initially {initial}) or weight decay {weightDecay} is negative or not finite"
                : null;

        /// <summary>The view recorded for the group by the state being loaded, if one is.</summary>
        internal bool? PendingEvaluationView => pending?.EvaluationView;

        internal void CommitPending()
        {
            if (pending is var (initial, lr, weightDecay, scalars, evaluationView))
                (InitialLearningRate, LearningRate, WeightDecay, Scalars, ScalarsBeforeLastStep, EvaluationView) = (initial, lr, weightDecay, scalars, scalars, evaluationView);
            pending = null;
        }

        internal void DiscardPending() => pending = null;
    }

    /// <summary>
    /// A group of parameters with their own hyperparameters: a learning rate and weight decay (null: the
    /// optimizer's), and optionally a whole record of the optimizer's algorithm, typed per algorithm —
    /// <c>new ParamGroup(head, hyperparameters with { Beta1 = 0.8, Eps = 1e-6 })</c>.
    /// <see cref="Momentum"/> and <see cref="Betas"/> are TorchSharp's <c>IMomentum</c> and <c>IBetas</c>, through
    /// which its schedulers cycle momentum (see <see cref="AdaptiveOptimizer.Momentum"/>).
    /// </summary>
    public sealed class ParamGroup : ParamGroup<Options>, IMomentum, IBetas
    {
        /// <summary>An empty group (TorchSharp's loaders create groups this way).</summary>
        public ParamGroup()
        {
        }

        /// <summary>Parameters with their own learning rate and weight decay (null: the optimizer's).</summary>
        public ParamGroup(IEnumerable<Parameter> parameters, double? lr = null, double? weightDecay = null)
            : base(parameters, new Options { LearningRate = lr, WeightDecay = weightDecay })
        {
        }

        /// <summary>
        /// Parameters with their own record of the optimizer's algorithm: every hyperparameter of it, its <c>Lr</c> and
        /// <c>WeightDecay</c> included. It must be the same algorithm with the same state layout (amsgrad, centered,
        /// momentum on or off), which <see cref="AdaptiveOptimizer.add_param_group"/> checks.
        /// </summary>
        public ParamGroup(IEnumerable<Parameter> parameters, Hyperparameters hyperparameters)
            : base(parameters, new Options { LearningRate = hyperparameters.Lr, WeightDecay = hyperparameters.WeightDecay, Hyperparameters = hyperparameters })
        {
        }

        /// <summary>The group's momentum: SGD's and RMSprop's <c>momentum</c>, β₁ for algorithms with betas (as torch.optim's schedulers use it).</summary>
        public double Momentum
        {
            get => CyclicCoefficients.Momentum(Record);
            set => Options.Hyperparameters = CyclicCoefficients.WithMomentum(Record, value);
        }

        /// <summary>The group's (β₁, β₂); for SGD and RMSprop (momentum, 0), so that OneCycleLR cycles their momentum.</summary>
        public (double, double) Betas
        {
            get => CyclicCoefficients.Betas(Record);
            set => Options.Hyperparameters = CyclicCoefficients.WithBetas(Record, value);
        }

        private Hyperparameters Record =>
            Options.Hyperparameters ?? throw new InvalidOperationException("the parameter group has not been added to an optimizer yet");
    }
}

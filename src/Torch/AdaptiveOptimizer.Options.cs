using TorchSharp.Modules;

namespace AdaptiveLR.Torch;

public sealed partial class AdaptiveOptimizer
{
    /// <summary>
    /// A parameter group's own hyperparameters: learning rate (what schedulers change) and weight
    /// decay. The algorithm's other hyperparameters belong to the optimizer.
    /// </summary>
    public sealed class Options : OptimizerOptions
    {
        public double? WeightDecay { get; set; }

        private (double Initial, double Lr, double WeightDecay)? pending;

        public override void SaveStateDict(BinaryWriter writer)
        {
            base.SaveStateDict(writer);
            writer.Write(WeightDecay!.Value);
        }

        /// <summary>Reads the values but applies them only when the whole optimizer state has loaded (see <see cref="AdaptiveOptimizer"/>).</summary>
        public override void LoadStateDict(BinaryReader reader) =>
            pending = (reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble());

        public override void LoadStateDict(OptimizerOptions source)
        {
            base.LoadStateDict(source);
            WeightDecay = ((Options)source).WeightDecay;
        }

        internal void CommitPending()
        {
            if (pending is var (initial, lr, weightDecay)) (InitialLearningRate, LearningRate, WeightDecay) = (initial, lr, weightDecay);
            pending = null;
        }

        internal void DiscardPending() => pending = null;
    }

    /// <summary>A group of parameters with their own learning rate and weight decay (null: the optimizer's).</summary>
    public sealed class ParamGroup : ParamGroup<Options>
    {
        public ParamGroup()
        {
        }

        public ParamGroup(IEnumerable<Parameter> parameters, double? lr = null, double? weightDecay = null)
            : base(parameters, new Options { LearningRate = lr, WeightDecay = weightDecay })
        {
        }
    }
}

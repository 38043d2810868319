using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// Muon's hyperparameters (KellerJordan/Muon, <c>SingleDeviceMuonWithAuxAdam</c>): momentum orthogonalised by a
/// quintic Newton–Schulz iteration for tensors of two or more dimensions in groups with <see cref="UseMuon"/>; every
/// other tensor (biases, gains; with <c>UseMuon = false</c> the output head and embeddings) steps with AdamW's
/// <c>adam_*</c> hyperparameters inside the same optimizer.
/// </summary>
/// <remarks>
/// The reference keeps one AdamW learning rate per group; here the AdamW tensors follow the group's schedule:
/// their rate is <c>adam_lr</c> × (the group's lr now / <see cref="Lr"/>), so a scheduler scales both parts alike.
/// </remarks>
public sealed record MuonHyperparameters(
    double Lr = 0.02,
    double Momentum = 0.95,
    double WeightDecay = 0,
    bool Nesterov = true,
    int NsSteps = 5,
    double AdamLr = 3e-4,
    double AdamBeta1 = 0.9,
    double AdamBeta2 = 0.95,
    double AdamEps = 1e-10,
    double AdamWeightDecay = 0,
    bool UseMuon = true) : StagedHyperparameters
{
    /// <summary>The paper and the update equations, as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        Muon — Jordan et al., "Muon: An optimizer for hidden layers in neural networks", 2024
        (KellerJordan/Muon, SingleDeviceMuonWithAuxAdam). Tensors of 2+ dimensions in a group with
        use_muon (the default) take the Muon step; the others (biases, gains, and the output head and
        embeddings when their group sets use_muon false, as the authors recommend) take AdamW's:

          Muon (momentum_buffer b; G the tensor as a matrix: rows = first dimension, columns = the rest)
          b ← μb + (1 − μ)g
          u ← (1 − μ)g + μb   (nesterov)   |   b
          X ← u/(‖u‖_F + 1e-7), on the wide side (Xᵀ when rows > columns)
          ns_steps×: A ← XXᵀ;  X ← aX + (bA + cA²)X        (a, b, c) = (3.4445, −4.7750, 2.0315)
          s ← √max(1, size(−2)/size(−1))   (the reference's sizes of the UNFLATTENED tensor: a conv
                                             kernel out×in×kh×kw gets √max(1, kh/kw))
          θ ← θ(1 − lr·λ) − lr·s·X

          AdamW (exp_avg m, exp_avg_sq v, per-tensor step t; lrₐ = adam_lr · lr_now/lr)
          m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²
          θ ← θ(1 − lrₐ·λₐ) − lrₐ · (m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ)) + ε)

        The singular values of X end in about [0.68, 1.13] (not exactly 1) for those at least 1% of
        ‖u‖_F. Effective learning rate shown: lr·s for Muon tensors (the step along X), Adam's
        lrₐ/(1 − β₁ᵗ)/(√(v/(1 − β₂ᵗ)) + ε) for the AdamW ones. A vector (the step command's
        parameter) is an AdamW tensor. train and compare put the model's last matrix (the output
        head) and any parameter named *embed* in a use_muon=false group; MuonGroups does it for
        the adapter.
        """;

    /// <summary>The most Newton–Schulz iterations accepted (the reference uses 5; more only repeat the fixed-point map).</summary>
    public const int MaxNsSteps = 100;

    private static readonly StateSlot MomentumBuffer = new("momentum_buffer"), ExpAvg = new("exp_avg"), ExpAvgSq = new("exp_avg_sq");
    private static readonly ImmutableArray<StateSlot?> All = [MomentumBuffer, ExpAvg, ExpAvgSq];
    private static readonly ImmutableArray<StateSlot?> MuonLayout = [MomentumBuffer, null, null];
    private static readonly ImmutableArray<StateSlot?> AdamLayout = [null, ExpAvg, ExpAvgSq];

    /// <inheritdoc/>
    public override string Algorithm => "muon";

    /// <summary>Every slot either kind of tensor may keep; each tensor keeps its kind's (<see cref="SlotsFor"/>).</summary>
    public override ImmutableArray<StateSlot?> Slots => All;

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> SlotsFor(ReadOnlySpan<long> shape) => Orthogonalised(shape.Length) ? MuonLayout : AdamLayout;

    /// <summary>Whether a tensor of <paramref name="dimensions"/> dimensions takes the Muon step in this group.</summary>
    public bool Orthogonalised(int dimensions) => UseMuon && dimensions >= 2;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Momentum = s.Momentum ?? Momentum,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            Nesterov = s.Nesterov ?? Nesterov,
            NsSteps = s.NsSteps ?? NsSteps,
            AdamLr = s.AdamLr ?? AdamLr,
            AdamBeta1 = s.AdamBeta1 ?? AdamBeta1,
            AdamBeta2 = s.AdamBeta2 ?? AdamBeta2,
            AdamEps = s.AdamEps ?? AdamEps,
            AdamWeightDecay = s.AdamWeightDecay ?? AdamWeightDecay,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            Allowed.Positive("lr", Lr),
            Allowed.DecayRate("momentum", Momentum),
            Allowed.NonNegative("weight_decay", WeightDecay),
            NsSteps is < 1 or > MaxNsSteps ? new ValidationError("ns_steps", $"{NsSteps} is out of range; allowed: an integer from 1 to {MaxNsSteps}") : null,
            Allowed.Positive("adam_lr", AdamLr),
            Allowed.DecayRate("adam_beta1", AdamBeta1),
            Allowed.DecayRate("adam_beta2", AdamBeta2),
            Allowed.Positive("adam_eps", AdamEps),
            Allowed.NonNegative("adam_weight_decay", AdamWeightDecay));

    /// <inheritdoc/>
    public override bool HasMatrixStage(in StageInputs inputs) => Orthogonalised(inputs.Dimensions);

    /// <summary>Momentum into <c>momentum_buffer</c>, the (Nesterov) update into the direction, orthogonalised there.</summary>
    public override void RunMatrixStage<T>(in StageInputs inputs, in MatrixStageMemory<T> memory, IMatrixOperations<T> operations)
    {
        var shape = memory.Shape;
        if (shape.Length < 2) throw new ArgumentException("Muon's matrix stage needs the tensor's shape, not only its dimension count");
        int length = memory.Gradients.Length;
        if (length == 0) return;
        int rows = checked((int)shape[0]), columns = length / rows;
        Span<T> buffer = memory.Slot(0), direction = memory.Direction;
        ReadOnlySpan<T> gradients = memory.Gradients;
        var toBuffer = Lerp.Weight<T>(1 - Momentum);
        var toMomentum = Lerp.Weight<T>(Momentum);
        for (int i = 0; i < length; i++)
        {
            T g = Maximize ? -gradients[i] : gradients[i];
            buffer[i] = toBuffer.Between(buffer[i], g);
            direction[i] = Nesterov ? toMomentum.Between(g, buffer[i]) : buffer[i];
        }
        NewtonSchulz.Orthogonalize(direction, rows, columns, NsSteps, operations);
        // The element pass reads the direction as a gradient, which it negates when maximizing.
        if (Maximize) for (int i = 0; i < length; i++) direction[i] = -direction[i];
    }

    /// <inheritdoc/>
    protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor)
    {
        var context = inputs.Context;
        if (Orthogonalised(inputs.Dimensions))
        {
            var shape = inputs.Shape;
            if (shape.Length < 2) throw new ArgumentException("Muon's step of a matrix needs the tensor's shape, not only its dimension count");
            double scale = Math.Pow(Math.Max(1, (double)shape[^2] / shape[^1]), 0.5);
            return visitor.Visit(new MuonRule(context.LearningRate, context.WeightDecay, scale));
        }
        double adamLr = context.LearningRate == Lr ? AdamLr : AdamLr * (context.LearningRate / Lr);
        return visitor.Visit(new AuxAdamRule(adamLr, AdamBeta1, AdamBeta2, AdamEps, AdamWeightDecay, context.Step));
    }
}

/// <summary>Muon's step of a matrix: the gradient it reads is the orthogonalised direction X (slot 0: momentum_buffer, done by the matrix stage).</summary>
public readonly struct MuonRule(double lr, double weightDecay, double scale) : ISlotRule
{
    private readonly double decay = 1 - lr * weightDecay, negativeLr = -lr, scale = scale, lr = lr;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void ISlotRule.Apply<T>(ref T parameter, T direction, ref Lanes<T> state)
    {
        parameter *= T.Broadcast(decay);
        parameter += T.Broadcast(negativeLr) * (direction * T.Broadcast(scale));
    }

    T ISlotRule.EffectiveLearningRate<T>(ReadOnlySpan<T> state) => T.Broadcast(lr * scale);
}

/// <summary>AdamW as Muon's reference runs it for non-matrix tensors (slots 1, 2: exp_avg, exp_avg_sq; t the tensor's step).</summary>
public readonly struct AuxAdamRule(double lr, double beta1, double beta2, double eps, double weightDecay, long step) : ISlotRule
{
    private readonly Lerp toGradient = Lerp.Weight(1 - beta1), toSquare = Lerp.Weight(1 - beta2);
    private readonly double correction1 = 1 - Math.Pow(beta1, step), correction2 = 1 - Math.Pow(beta2, step);
    private readonly double decay = 1 - lr * weightDecay, negativeLr = -lr, lr = lr, eps = eps;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void ISlotRule.Apply<T>(ref T parameter, T gradient, ref Lanes<T> state)
    {
        state[1] = toGradient.Between(state[1], gradient);
        state[2] = toSquare.Between(state[2], gradient * gradient);
        var update = state[1] / T.Broadcast(correction1) / (T.Sqrt(state[2] / T.Broadcast(correction2)) + T.Broadcast(eps));
        parameter *= T.Broadcast(decay);
        parameter += T.Broadcast(negativeLr) * update;
    }

    T ISlotRule.EffectiveLearningRate<T>(ReadOnlySpan<T> state) =>
        T.Broadcast(lr / correction1) / (T.Sqrt(state[2] / T.Broadcast(correction2)) + T.Broadcast(eps));
}

/// <summary>
/// torch's <c>lerp(start, end, w)</c> with its two forms: start + w·(end − start) for w &lt; 0.5,
/// end − (end − start)·(1 − w) otherwise (so the golden trajectories agree to the last digits).
/// </summary>
public readonly struct Lerp
{
    private readonly double weight, complement;
    private readonly bool fromStart;

    private Lerp(double weight) => (this.weight, complement, fromStart) = (weight, 1 - weight, Math.Abs(weight) < 0.5);

    /// <summary>The interpolation with weight <paramref name="weight"/> on the end.</summary>
    public static Lerp Weight(double weight) => new(weight);

    /// <summary>The same for scalars of <typeparamref name="T"/>.</summary>
    public static ScalarLerp<T> Weight<T>(double weight) where T : IFloatingPointIeee754<T> => new(new(weight));

    /// <summary>Between <paramref name="start"/> and <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Between<T>(T start, T end) where T : unmanaged, ILane<T>
    {
        // Both broadcasts before the branch, so that a kernel's loop computes them once (see ISlotRule).
        T onEnd = T.Broadcast(weight), onStart = T.Broadcast(complement);
        return fromStart ? start + onEnd * (end - start) : end - (end - start) * onStart;
    }

    /// <summary><see cref="Lerp"/> on scalars of <typeparamref name="T"/>.</summary>
    public readonly struct ScalarLerp<T>(Lerp lerp) where T : IFloatingPointIeee754<T>
    {
        private readonly T weight = T.CreateChecked(lerp.weight), complement = T.CreateChecked(lerp.complement);
        private readonly bool fromStart = lerp.fromStart;

        /// <summary>Between <paramref name="start"/> and <paramref name="end"/>.</summary>
        public T Between(T start, T end) => fromStart ? start + weight * (end - start) : end - (end - start) * complement;
    }
}

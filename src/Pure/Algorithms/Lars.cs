using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;

namespace AdaptiveLR.Pure.Algorithms;

/// <summary>
/// LARS' hyperparameters: torch.optim.SGD's around the layer-wise trust ratio, with torchlars' defaults
/// (lr 0.1, momentum 0.9, eps 1e-8, trust_coef 0.001; weight decay 0, the paper uses 5e-4).
/// </summary>
public sealed record LarsHyperparameters(
    double Lr = 0.1,
    double Momentum = 0.9,
    double Dampening = 0,
    double WeightDecay = 0,
    bool Nesterov = false,
    double Eps = 1e-8,
    double TrustCoef = 1e-3,
    bool ExcludeBiasAndNorm = false) : StagedHyperparameters
{
    /// <summary>The paper and the update equations, as <c>adaptivelr optimizers</c> prints them.</summary>
    public const string Reference = """
        LARS — You, Gitman & Ginsburg, "Large Batch Training of Convolutional Networks", arXiv
        1708.03888 (2017), as kakaobrain/torchlars applies it around torch.optim.SGD: each tensor's
        gradient is rescaled by a trust ratio from its own norms, then SGD with momentum steps.

          r ← η·‖θ‖/(‖g‖ + λ‖θ‖ + ε)   if ‖θ‖ > 0 and ‖g‖ > 0, else 1      (η = trust_coef, per tensor)
          g ← (g + λθ)·r
          b ← g at t = 1,  b ← μb + (1 − dampening)g after;   d ← g + μb (Nesterov) | b | g (μ = 0)
          θ ← θ − lr·d

        The norms are over the whole tensor (a reduction pass before the element pass).
        exclude_bias_and_norm: tensors of at most one dimension (biases, normalisation scales) take
        r = 1 and no weight decay, as the LARS of SimCLR, Barlow Twins and VICReg do (torchlars adapts
        every tensor; the record-level API sees vectors, which this option excludes).
        State: momentum_buffer. The effective learning rate shown is lr·r, the same for a whole tensor.
        """;

    private static readonly ImmutableArray<StateSlot?> WithMomentum = [new StateSlot("momentum_buffer")];
    private static readonly ImmutableArray<StateSlot?> Stateless = [null];

    /// <inheritdoc/>
    public override string Algorithm => "lars";

    /// <inheritdoc/>
    public override ImmutableArray<StateSlot?> Slots => Momentum != 0 ? WithMomentum : Stateless;

    /// <summary>Σθ² and Σg² of each tensor.</summary>
    public override int SumCount => 2;

    /// <inheritdoc/>
    public override bool ReducesPerTensor => true;

    /// <inheritdoc/>
    public override Hyperparameters With(HyperparameterSettings s) =>
        this with
        {
            Lr = s.Lr ?? Lr,
            Momentum = s.Momentum ?? Momentum,
            Dampening = s.Dampening ?? Dampening,
            WeightDecay = s.WeightDecay ?? WeightDecay,
            Nesterov = s.Nesterov ?? Nesterov,
            Eps = s.Eps ?? Eps,
            TrustCoef = s.TrustCoef ?? TrustCoef,
            ExcludeBiasAndNorm = s.ExcludeBiasAndNorm ?? ExcludeBiasAndNorm,
        };

    /// <inheritdoc/>
    public override IReadOnlyList<ValidationError> Validate() =>
        Allowed.Collect(
            Allowed.Positive("lr", Lr),
            Allowed.NonNegative("momentum", Momentum),
            Allowed.Fraction("dampening", Dampening),
            Allowed.NonNegative("weight_decay", WeightDecay),
            Allowed.NonNegative("eps", Eps),
            Allowed.Positive("trust_coef", TrustCoef),
            Nesterov && (Momentum <= 0 || Dampening != 0)
                ? new ValidationError("nesterov", "requires momentum > 0 and dampening = 0")
                : null);

    /// <summary>
    /// The trust ratio r of a tensor with squared norms <paramref name="parameterSquares"/> (Σθ²) and
    /// <paramref name="gradientSquares"/> (Σg²) at weight decay <paramref name="weightDecay"/>; 1 for an excluded tensor.
    /// </summary>
    public double TrustRatio(double parameterSquares, double gradientSquares, double weightDecay, int dimensions)
    {
        if (Excluded(dimensions)) return 1;
        double parameterNorm = Math.Sqrt(parameterSquares), gradientNorm = Math.Sqrt(gradientSquares);
        return parameterNorm > 0 && gradientNorm > 0 ? parameterNorm / (gradientNorm + weightDecay * parameterNorm + Eps) * TrustCoef : 1;
    }

    /// <summary>Whether a tensor of <paramref name="dimensions"/> dimensions takes plain SGD (see <see cref="ExcludeBiasAndNorm"/>).</summary>
    public bool Excluded(int dimensions) => ExcludeBiasAndNorm && dimensions <= 1;

    /// <inheritdoc/>
    protected override TResult WithReductionRule<TVisitor, TResult>(StepContext context, GroupScalars scalars, ref TVisitor visitor) =>
        visitor.Visit(new SquaredNorms());

    /// <inheritdoc/>
    protected override TResult WithSlotRule<TVisitor, TResult>(in StageInputs inputs, ref TVisitor visitor)
    {
        double weightDecay = Excluded(inputs.Dimensions) ? 0 : inputs.Context.WeightDecay;
        double ratio = TrustRatio(inputs.TensorSums[0], inputs.TensorSums[1], weightDecay, inputs.Dimensions);
        return visitor.Visit(new LarsRule(inputs.Context, ratio, weightDecay, Momentum, Dampening, Nesterov));
    }

    /// <summary>The reduction pass: Σθ² into sum 0, Σg² into sum 1.</summary>
    private readonly struct SquaredNorms : IReductionRule
    {
        public int SlotsTouched => 0;

        public int SlotsWritten => 0;

        public bool ReadsParameter => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Accumulate<T>(T parameter, T gradient, ref Lanes<T> state, ref Lanes<T> sums) where T : unmanaged, ILane<T>
        {
            sums[0] += parameter * parameter;
            sums[1] += gradient * gradient;
        }
    }
}

/// <summary>One step of LARS on one tensor with its trust ratio: slot 0 is SGD's momentum buffer.</summary>
public readonly struct LarsRule(StepContext context, double trustRatio, double weightDecay, double momentum, double dampening, bool nesterov) : ISlotRule
{
    private readonly double lr = context.LearningRate, trustRatio = trustRatio, weightDecay = weightDecay, momentum = momentum;
    private readonly bool nesterov = nesterov;

    // At t = 1 the buffer (zero) is replaced by the scaled gradient, as torch's SGD does.
    private readonly double bufferDecay = context.Step == 1 ? 0 : momentum;
    private readonly double gradientWeight = context.Step == 1 ? 1 : 1 - dampening;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<T>(ref T parameter, T gradient, ref Lanes<T> state) where T : unmanaged, ILane<T>
    {
        // Every broadcast before the first branch, so that the kernel's loop computes them once (see ISlotRule).
        T decay = T.Broadcast(weightDecay), trust = T.Broadcast(trustRatio), keep = T.Broadcast(bufferDecay);
        T mix = T.Broadcast(gradientWeight), ahead = T.Broadcast(momentum), step = T.Broadcast(-lr);
        if (weightDecay != 0) gradient += decay * parameter;
        gradient *= trust;
        if (momentum != 0)
        {
            ref T buffer = ref state[0];
            buffer = keep * buffer + mix * gradient;
            gradient = nesterov ? gradient + ahead * buffer : buffer;
        }
        parameter += step * gradient;
    }

    /// <inheritdoc/>
    public T EffectiveLearningRate<T>(ReadOnlySpan<T> state) where T : unmanaged, ILane<T> => T.Broadcast(lr * trustRatio);
}

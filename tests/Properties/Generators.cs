using AdaptiveLR.Pure.Algorithms;
using AdaptiveLR.Pure.Core;
using FsCheck;
using FsCheck.Fluent;

namespace AdaptiveLR.Properties;

/// <summary>A generated problem: hyperparameters, a start and a gradient per step.</summary>
public sealed record Scenario(Hyperparameters Hyperparameters, double[] X0, double[][] Gradients)
{
    public int Size => X0.Length;

    public override string ToString() =>
        $"{Hyperparameters} x0=[{string.Join(", ", X0)}] grads=[{string.Join("; ", Gradients.Select(g => string.Join(", ", g)))}]";
}

/// <summary>FsCheck generators of valid hyperparameters for each algorithm and of gradient sequences.</summary>
public static class Generators
{
    private static Gen<double> Uniform(double low, double high) => Gen.Choose(0, 10_000).Select(i => low + (high - low) * i / 10_000.0);

    private static Gen<double> LogUniform(double low, double high) => Uniform(Math.Log(low), Math.Log(high)).Select(Math.Exp);

    private static Gen<double> ZeroOr(Gen<double> values) => Gen.OneOf(Gen.Constant(0.0), values);

    private static readonly Gen<bool> Flag = Gen.Elements(true, false);

    /// <summary>Values float32 holds exactly, so the double reference and float implementations see the same inputs.</summary>
    private static double AsFloat(double value) => (float)value;

    /// <summary>Gradient elements: mostly moderate, some tiny, some large, either sign, never exactly zero.</summary>
    public static Gen<double> GradientElement =>
        from magnitude in LogUniform(1e-3, 1e2)
        from negative in Flag
        select AsFloat(negative ? -magnitude : magnitude);

    public static Gen<Hyperparameters> Sgd =>
        from lr in LogUniform(1e-4, 0.5)
        from momentum in ZeroOr(Uniform(0, 0.95))
        from dampening in ZeroOr(Uniform(0, 1))
        from weightDecay in ZeroOr(LogUniform(1e-5, 1e-1))
        from nesterov in Flag
        select (Hyperparameters)new SgdHyperparameters(lr, momentum, dampening, weightDecay, nesterov && momentum > 0 && dampening == 0);

    public static Gen<Hyperparameters> Adagrad =>
        from lr in LogUniform(1e-4, 0.5)
        from lrDecay in ZeroOr(LogUniform(1e-4, 1e-1))
        from weightDecay in ZeroOr(LogUniform(1e-5, 1e-1))
        from initial in ZeroOr(Uniform(0, 1))
        from eps in LogUniform(1e-10, 1e-6)
        select (Hyperparameters)new AdagradHyperparameters(lr, lrDecay, weightDecay, initial, eps);

    public static Gen<Hyperparameters> RmsProp =>
        from lr in LogUniform(1e-4, 1e-1)
        from alpha in Uniform(0.5, 0.999)
        from eps in LogUniform(1e-8, 1e-6)
        from weightDecay in ZeroOr(LogUniform(1e-5, 1e-1))
        from momentum in ZeroOr(Uniform(0, 0.9))
        from centered in Flag
        select (Hyperparameters)new RmsPropHyperparameters(lr, alpha, eps, weightDecay, momentum, centered);

    public static Gen<AdamHyperparameters> AdamRecord(bool? amsGrad = null) =>
        from lr in LogUniform(1e-4, 1e-1)
        from beta1 in Uniform(0, 0.99)
        from beta2 in Uniform(0.5, 0.9999)
        from eps in LogUniform(1e-8, 1e-6)
        from weightDecay in ZeroOr(LogUniform(1e-5, 1e-1))
        from ams in amsGrad is bool fixedValue ? Gen.Constant(fixedValue) : Flag
        select new AdamHyperparameters(lr, beta1, beta2, eps, weightDecay, ams);

    public static Gen<Hyperparameters> Adam => AdamRecord().Select(h => (Hyperparameters)h);

    public static Gen<Hyperparameters> AdamW =>
        AdamRecord().Select(h => (Hyperparameters)new AdamWHyperparameters(h.Lr, h.Beta1, h.Beta2, h.Eps, h.WeightDecay, h.AmsGrad));

    public static Gen<Hyperparameters> Adadelta =>
        from lr in LogUniform(1e-2, 1)
        from rho in Uniform(0.5, 0.99)
        from eps in LogUniform(1e-8, 1e-4)
        from weightDecay in ZeroOr(LogUniform(1e-5, 1e-1))
        select (Hyperparameters)new AdadeltaHyperparameters(lr, rho, eps, weightDecay);

    public static Gen<Hyperparameters> Adamax =>
        AdamRecord(amsGrad: false).Select(h => (Hyperparameters)new AdamaxHyperparameters(h.Lr, h.Beta1, h.Beta2, h.Eps, h.WeightDecay));

    public static Gen<Hyperparameters> NAdam =>
        from h in AdamRecord(amsGrad: false)
        from momentumDecay in ZeroOr(LogUniform(1e-4, 1e-2))
        select (Hyperparameters)new NAdamHyperparameters(h.Lr, h.Beta1, h.Beta2, h.Eps, h.WeightDecay, momentumDecay);

    public static Gen<Hyperparameters> RAdam =>
        AdamRecord(amsGrad: false).Select(h => (Hyperparameters)new RAdamHyperparameters(h.Lr, h.Beta1, h.Beta2, h.Eps, h.WeightDecay));

    public static Gen<Hyperparameters> Lion =>
        from lr in LogUniform(1e-5, 1e-2)
        from beta1 in Uniform(0, 0.99)
        from beta2 in Uniform(0.5, 0.999)
        from weightDecay in ZeroOr(LogUniform(1e-5, 1))
        select (Hyperparameters)new LionHyperparameters(lr, beta1, beta2, weightDecay);

    /// <summary>
    /// AdaBelief with β₁ ≥ 0.5: its surprise g − m = β₁(g − m_prev) cancels catastrophically in
    /// float32 as β₁ → 0, so a float trajectory cannot follow the double one there.
    /// </summary>
    public static Gen<Hyperparameters> AdaBelief =>
        from h in AdamRecord(amsGrad: false)
        from beta1 in Uniform(0.5, 0.99)
        from eps in LogUniform(1e-16, 1e-8)
        select (Hyperparameters)new AdaBeliefHyperparameters(h.Lr, beta1, h.Beta2, eps, h.WeightDecay);

    public static Gen<Hyperparameters> Yogi =>
        from h in AdamRecord(amsGrad: false)
        from eps in LogUniform(1e-6, 1e-2)
        from initial in LogUniform(1e-8, 1e-2)
        select (Hyperparameters)new YogiHyperparameters(h.Lr, h.Beta1, h.Beta2, eps, h.WeightDecay, initial);

    /// <summary>
    /// RAdam as TorchSharp 0.107 can be compared with: its rectified step multiplies by lr twice
    /// (RAdam.cs: <c>t6 = bias_corrected_exp_avg * lr</c>, then <c>t6 * lr * adaptive_lr * rect</c>),
    /// where torch.optim — and ours — multiply once; at lr = 1 both agree.
    /// </summary>
    public static Gen<Hyperparameters> RAdamComparableWithTorchSharp => RAdam.Select(h => h with { Lr = 1 });

    public static Gen<Hyperparameters> Rprop =>
        from lr in LogUniform(1e-4, 0.5)
        from etaminus in Uniform(0.1, 0.9)
        from etaplus in Uniform(1.05, 2)
        from least in ZeroOr(LogUniform(1e-6, 1e-2))
        from spread in LogUniform(1, 1e4)
        select (Hyperparameters)new RpropHyperparameters(lr, etaminus, etaplus, least, Math.Max(least * spread, 1e-3));

    public static Gen<Hyperparameters> Asgd =>
        from lr in LogUniform(1e-4, 0.5)
        from lambd in ZeroOr(LogUniform(1e-5, 1e-1))
        from alpha in Uniform(0, 1)
        from t0 in Gen.OneOf(Gen.Choose(0, 30).Select(t => (double)t), Gen.Constant(1e6))
        from weightDecay in ZeroOr(LogUniform(1e-5, 1e-1))
        select (Hyperparameters)new AsgdHyperparameters(lr, lambd, alpha, t0, weightDecay);

    public static Gen<Hyperparameters> Lars =>
        from sgd in Sgd
        from eps in LogUniform(1e-10, 1e-6)
        from trust in LogUniform(1e-4, 1)
        from exclude in Flag
        let s = (SgdHyperparameters)sgd
        select (Hyperparameters)new LarsHyperparameters(s.Lr, s.Momentum, s.Dampening, s.WeightDecay, s.Nesterov, eps, trust, exclude);

    /// <summary>The staged algorithms TorchSharp also has (Rprop, ASGD): compared with its built-ins like the classic ones.</summary>
    public static Gen<Hyperparameters> StagedWithTorchBuiltin => Gen.OneOf(Rprop, Asgd);

    /// <summary>The algorithms TorchSharp has a built-in optimizer for, in configurations where its semantics are torch.optim's.</summary>
    public static Gen<Hyperparameters> WithTorchBuiltin => Gen.OneOf(Sgd, Adagrad, RmsProp, Adam, AdamW, Adadelta, Adamax, NAdam, RAdamComparableWithTorchSharp);

    public static Gen<Hyperparameters> Any => Gen.OneOf(WithTorchBuiltin, RAdam, Lion, AdaBelief, Yogi);

    /// <summary>
    /// Every algorithm whose update is continuous in its inputs: all but Lion and Yogi, whose sign()
    /// can flip between float32 and double when its argument is within rounding of zero. Those two are
    /// compared float against float (LaneWidthProperties) and against their papers in double.
    /// </summary>
    public static Gen<Hyperparameters> ContinuousInFloat => Gen.OneOf(WithTorchBuiltin, RAdam, AdaBelief);

    public static Gen<Scenario> ScenarioOf(Gen<Hyperparameters> hyperparameters, int maxSize = 6, int maxSteps = 25) =>
        from h in hyperparameters
        from size in Gen.Choose(1, maxSize)
        from steps in Gen.Choose(1, maxSteps)
        from x0 in Uniform(-5, 5).Select(AsFloat).ArrayOf(size)
        from gradients in GradientElement.ArrayOf(size).ArrayOf(steps)
        select new Scenario(h, x0, gradients);
}

/// <summary>Arbitraries for <c>[Property(Arbitrary = …)]</c>: any algorithm with valid hyperparameters.</summary>
public static class AnyAlgorithm
{
    public static Arbitrary<Scenario> Scenarios() => Generators.ScenarioOf(Generators.Any).ToArbitrary();
}

/// <summary>Algorithms whose float32 trajectories can be compared with the double reference.</summary>
public static class ContinuousAlgorithm
{
    public static Arbitrary<Scenario> Scenarios() => Generators.ScenarioOf(Generators.ContinuousInFloat).ToArbitrary();
}

/// <summary>Algorithms TorchSharp also implements, with valid hyperparameters.</summary>
public static class TorchAlgorithm
{
    public static Arbitrary<Scenario> Scenarios() => Generators.ScenarioOf(Generators.WithTorchBuiltin).ToArbitrary();
}

/// <summary>Rprop and ASGD, which TorchSharp also implements, with valid hyperparameters.</summary>
public static class StagedTorchAlgorithm
{
    public static Arbitrary<Scenario> Scenarios() => Generators.ScenarioOf(Generators.StagedWithTorchBuiltin).ToArbitrary();
}

/// <summary>Scenarios of one of the algorithms tested against their papers: Lion, AdaBelief, Yogi.</summary>
public static class PaperAlgorithm
{
    public static Arbitrary<Scenario> Scenarios() => Generators.ScenarioOf(Gen.OneOf(Generators.Lion, Generators.AdaBelief, Generators.Yogi)).ToArbitrary();
}

/// <summary>AMSGrad (Adam with <c>amsgrad</c>) scenarios.</summary>
public static class AmsGradOnly
{
    public static Arbitrary<Scenario> Scenarios() =>
        Generators.ScenarioOf(Generators.AdamRecord(amsGrad: true).Select(h => (Hyperparameters)h)).ToArbitrary();
}

/// <summary>Adagrad scenarios.</summary>
public static class AdagradOnly
{
    public static Arbitrary<Scenario> Scenarios() => Generators.ScenarioOf(Generators.Adagrad).ToArbitrary();
}

/// <summary>Adam, AdamW, AMSGrad and RMSProp without weight decay: their second moments are averages of g².</summary>
public static class MovingAverageOfSquares
{
    public static Arbitrary<Scenario> Scenarios() =>
        Generators.ScenarioOf(Gen.OneOf(Generators.Adam, Generators.AdamW, Generators.RmsProp).Select(h => h with { WeightDecay = 0 })).ToArbitrary();
}

/// <summary>Adam and AMSGrad without weight decay, with a gradient scale factor c in [0.01, 100].</summary>
public static class ScaledAdam
{
    public static Arbitrary<(Scenario Scenario, double Scale)> Scenarios() =>
        (from scenario in Generators.ScenarioOf(Generators.AdamRecord().Select(h => (Hyperparameters)(h with { WeightDecay = 0 })))
         from exponent in Gen.Choose(-200, 200)
         select (scenario, Math.Pow(10, exponent / 100.0))).ToArbitrary();
}

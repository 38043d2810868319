using System.Runtime.Intrinsics;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// The kernel on every lane width — AVX-512, AVX, 128-bit (the compressed step's partial blocks without AVX2), <c>Vector&lt;float&gt;</c> — equals the same rule on
/// single floats, so the fallbacks for machines without AVX-512 are tested here too, for every
/// algorithm (single floats against the double reference: KernelAgreementProperties).
/// </summary>
public class LaneWidthProperties
{
    [Property(Arbitrary = [typeof(LongVectorsOfAnyAlgorithm)], MaxTest = 60)]
    public void EveryLaneWidthEqualsSingleFloats(Scenario scenario)
    {
        var expected = Run<FloatLane>(scenario);
        if (Vector512.IsHardwareAccelerated) AssertEqual(expected, Run<Float512Lane>(scenario), scenario, "AVX-512");
        if (Vector256.IsHardwareAccelerated) AssertEqual(expected, Run<Float256Lane>(scenario), scenario, "AVX");
        AssertEqual(expected, Run<Float128Lane>(scenario), scenario, "128-bit");
        AssertEqual(expected, Run<FloatVectorLane>(scenario), scenario, "Vector<float>");
    }

    /// <summary>The comparison operations (Rprop's clamping and sign cases) on every width equal single floats, zeros and signs of zero included.</summary>
    [Property(MaxTest = 100)]
    public void MinAndWherePositiveOnEveryLaneWidthEqualSingleFloats(FsCheck.NonEmptyArray<FsCheck.NormalFloat> values, int seed)
    {
        var random = new Random(seed);
        float[] Draw() => [.. Enumerable.Range(0, 64).Select(i => random.Next(4) == 0 ? 0f : (float)values.Get[i % values.Get.Length].Get * (random.Next(2) * 2 - 1))];
        float[] a = Draw(), b = Draw(), c = Draw();
        var expected = Combine<FloatLane>(a, b, c);
        if (Vector512.IsHardwareAccelerated) Assert.Equal(expected, Combine<Float512Lane>(a, b, c));
        if (Vector256.IsHardwareAccelerated) Assert.Equal(expected, Combine<Float256Lane>(a, b, c));
        Assert.Equal(expected, Combine<Float128Lane>(a, b, c));
        Assert.Equal(expected, Combine<FloatVectorLane>(a, b, c));
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(MathF.Min(a[i], b[i]), expected[i]);
            Assert.Equal(a[i] > 0 ? b[i] : c[i], expected[a.Length + i]);
            var reference = DoubleLane.WherePositive(new DoubleLane(a[i]), new DoubleLane(b[i]), new DoubleLane(c[i])).Value;
            Assert.Equal(reference, (double)expected[a.Length + i]);
        }
    }

    /// <summary>Min(a, b) then WherePositive(a, b, c), element by element through lanes of <typeparamref name="TLane"/>.</summary>
    private static float[] Combine<TLane>(float[] a, float[] b, float[] c) where TLane : struct, IFloatLane<TLane>
    {
        float[] result = new float[2 * a.Length];
        for (int i = 0; i + TLane.Count <= a.Length; i += TLane.Count)
        {
            TLane x = TLane.Load(ref a[0], (nuint)i), y = TLane.Load(ref b[0], (nuint)i), z = TLane.Load(ref c[0], (nuint)i);
            TLane.Store(TLane.Min(x, y), ref result[0], (nuint)i);
            TLane.Store(TLane.WherePositive(x, y, z), ref result[0], (nuint)(a.Length + i));
        }
        return result;
    }

    private static void AssertEqual(List<float[]> expected, List<float[]> actual, Scenario scenario, string width)
    {
        for (int step = 0; step < expected.Count; step++)
            for (int i = 0; i < scenario.Size; i++)
                Tolerance.AssertClose(expected[step][i], actual[step][i], $"{scenario.Hyperparameters.Algorithm} on {width}, step {step + 1}, element {i}", relative: 1e-6, absolute: 1e-9);
    }

    /// <summary>The parameters after each step on <typeparamref name="TLane"/>.</summary>
    private static List<float[]> Run<TLane>(Scenario scenario) where TLane : struct, IFloatLane<TLane>
    {
        var h = scenario.Hyperparameters;
        float[] parameters = [.. scenario.X0.Select(v => (float)v)];
        float[][] state = [.. h.Slots.Select(slot => slot is null ? [] : Enumerable.Repeat((float)slot.InitialValue, scenario.Size).ToArray())];
        var trajectory = new List<float[]>();
        for (int step = 1; step <= scenario.Gradients.Length; step++)
        {
            var visitor = new WidthVisitor<TLane>(parameters, [.. scenario.Gradients[step - 1].Select(v => (float)v)], state);
            h.WithRule<WidthVisitor<TLane>, bool>(h.ContextFor(step), ref visitor);
            trajectory.Add([.. parameters]);
        }
        return trajectory;
    }

    private readonly struct WidthVisitor<TLane>(float[] parameters, float[] gradient, float[][] state) : IRuleVisitor<bool>
        where TLane : struct, IFloatLane<TLane>
    {
        public bool Visit<TRule>(in TRule rule) where TRule : struct, IElementRule
        {
            FusedKernel.ApplyWith<TRule, TLane>(rule, parameters, gradient, state[0], state[1], state[2]);
            return true;
        }
    }
}

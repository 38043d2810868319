using System.Runtime.Intrinsics;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;
using FsCheck.Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// The kernel on every lane width — AVX-512, AVX, <c>Vector&lt;float&gt;</c> — equals the same rule on
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
        AssertEqual(expected, Run<FloatVectorLane>(scenario), scenario, "Vector<float>");
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

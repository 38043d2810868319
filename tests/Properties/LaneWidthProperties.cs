using System.Runtime.Intrinsics;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;
using FsCheck.Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// The kernel on every lane width — AVX-512, AVX, <c>Vector&lt;float&gt;</c> and single floats —
/// equals the double reference, so the fallbacks for machines without AVX-512 are tested here too.
/// </summary>
public class LaneWidthProperties
{
    [Property(Arbitrary = [typeof(LongVectors)], MaxTest = 60)]
    public void EveryLaneWidthEqualsReference(Scenario scenario)
    {
        var expected = Trajectories.Reference(scenario);
        if (Vector512.IsHardwareAccelerated) AssertMatches<Float512Lane>(scenario, expected, "AVX-512");
        if (Vector256.IsHardwareAccelerated) AssertMatches<Float256Lane>(scenario, expected, "AVX");
        AssertMatches<FloatVectorLane>(scenario, expected, "Vector<float>");
        AssertMatches<FloatLane>(scenario, expected, "single floats");
    }

    private static void AssertMatches<TLane>(Scenario scenario, List<StepResult> expected, string width)
        where TLane : struct, IFloatLane<TLane>
    {
        var h = scenario.Hyperparameters;
        float[] parameters = [.. scenario.X0.Select(v => (float)v)];
        float[][] state = [.. h.Slots.Select(slot => slot is null ? [] : Enumerable.Repeat((float)slot.InitialValue, scenario.Size).ToArray())];
        for (int step = 1; step <= scenario.Gradients.Length; step++)
        {
            var visitor = new WidthVisitor<TLane>(parameters, [.. scenario.Gradients[step - 1].Select(v => (float)v)], state);
            h.WithRule<WidthVisitor<TLane>, bool>(h.ContextFor(step), ref visitor);
            for (int i = 0; i < scenario.Size; i++)
                Tolerance.AssertClose(expected[step - 1].Parameters[i], parameters[i], $"{h.Algorithm} on {width}, step {step}, element {i}");
        }
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

using System.Collections.Immutable;
using AdaptiveLR.Pure.Core;
using Xunit;
using Xunit.Abstractions;
using OptimizerState = AdaptiveLR.Pure.Core.OptimizerState;

namespace AdaptiveLR.Properties.Golden;

/// <summary>Adan, ADOPT and AdEMAMix on the reference path against their golden fixtures, the whole group stepped at once.</summary>
public class ElementwiseGoldenTests(ITestOutputHelper output)
{
    public static TheoryData<string> Fixtures() =>
        new(GoldenFixture.Files("modern").Where(f => f.StartsWith("adan-") || f.StartsWith("adopt-") || f.StartsWith("ademamix-")));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReferencePathFollowsTheGoldenTrajectory(string file)
    {
        var fixture = GoldenFixture.Load("modern", file);
        var h = (StagedHyperparameters)ReferenceNames.Hyperparameters(fixture);
        var comparison = new GoldenComparison($"{fixture}", 1e-9);
        var states = fixture.Parameters.Select(p => OptimizerState.Initial(h, p.Values.Length)).ToImmutableArray();
        var values = fixture.Parameters.Select(p => ImmutableArray.Create(p.Values)).ToImmutableArray();
        var dimensions = fixture.Parameters.Select(p => p.Shape.Length).ToImmutableArray();
        for (int s = 0; s < fixture.Steps.Length; s++)
        {
            var step = fixture.Steps[s];
            var results = ReferenceStep.StepGroup(h, states, values, [.. step.Gradients.Select(g => ImmutableArray.Create(g))], dimensions);
            (states, values) = ([.. results.Select(r => r.State)], [.. results.Select(r => r.Parameters)]);
            for (int p = 0; p < values.Length; p++)
            {
                comparison.AssertClose(step.Parameters[p], values[p], $"step {s + 1} {fixture.Parameters[p].Name}");
                foreach (var (name, expected) in step.State[p])
                {
                    if (name == "step") comparison.AssertClose(expected, [states[p].Step], $"step {s + 1} step");
                    else comparison.AssertClose(expected, states[p][ReferenceNames.State(h, name)!], $"step {s + 1} {fixture.Parameters[p].Name} {name}");
                }
            }
            foreach (var (name, expected) in step.Scalars)
                if (states[0].Scalars.Values.ContainsKey(name)) comparison.AssertClose([expected], [states[0].Scalars[name]], $"step {s + 1} scalar {name}");
        }
        output.WriteLine($"{fixture}: max relative error {comparison.MaxRelativeError:G3}");
    }
}

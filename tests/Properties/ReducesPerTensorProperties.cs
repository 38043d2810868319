using AdaptiveLR.Pure;
using AdaptiveLR.Pure.Core;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// An algorithm that reduces per tensor (<see cref="StagedHyperparameters.ReducesPerTensor"/>: each tensor's reduction runs just
/// before its element pass) must not read the group's totals: its scalars advance the same whatever the totals. Its
/// trajectories are checked against the authors' code by the golden fixtures.
/// </summary>
public class ReducesPerTensorProperties
{
    private static IEnumerable<StagedHyperparameters> PerTensor =>
        OptimizerRegistry.All.Select(d => d.Defaults).OfType<StagedHyperparameters>().Where(h => h.ReducesPerTensor);

    [Fact]
    public void LambAndLarsReducePerTensor() => Assert.Equal(["lamb", "lars"], PerTensor.Select(h => h.Algorithm).Order());

    [Property(MaxTest = 100)]
    public void TheScalarsAdvanceWithoutReadingTheGroupTotals(NormalFloat first, NormalFloat second, PositiveInt step)
    {
        foreach (var algorithm in PerTensor)
        {
            var context = algorithm.ContextFor(step.Get);
            double[] totals = [.. Enumerable.Range(0, algorithm.SumCount).Select(j => j % 2 == 0 ? first.Get : second.Get)];
            Assert.Equal(algorithm.Advance(context, algorithm.InitialScalars, new double[algorithm.SumCount]),
                         algorithm.Advance(context, algorithm.InitialScalars, totals));
        }
    }
}

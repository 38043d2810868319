using System.Reflection;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// The staged kernel's loops and rules carry the attributes the fused kernel's do (see <see cref="KernelCodeGenerationTests"/>):
/// each element loop compiled once, fully optimised, never inlined; every slot and reduction rule's element method inlined into it.
/// </summary>
public class SlotKernelCodeGenerationTests
{
    private static readonly Assembly Pure = typeof(ISlotRule).Assembly;

    [Theory]
    [InlineData("AdaptiveLR.Pure.Core.SlotLoop`2", "Apply")]
    [InlineData("AdaptiveLR.Pure.Core.DenseSlotLoop`3", "Apply")]
    [InlineData("AdaptiveLR.Pure.Core.ReductionLoop`2", "Accumulate")]
    public void EveryElementLoopIsNeverInlinedAndAlwaysFullyOptimised(string type, string method)
    {
        var flags = Pure.GetType(type, throwOnError: true)!.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!.MethodImplementationFlags;
        Assert.True(flags.HasFlag(MethodImplAttributes.NoInlining), $"{type}.{method} must be NoInlining");
        Assert.True(flags.HasFlag(MethodImplAttributes.AggressiveOptimization), $"{type}.{method} must be AggressiveOptimization");
    }

    public static TheoryData<Type> Rules() =>
        [.. Pure.GetTypes().Where(t => t.IsValueType && (typeof(ISlotRule).IsAssignableFrom(t) || typeof(IReductionRule).IsAssignableFrom(t)))];

    [Theory]
    [MemberData(nameof(Rules))]
    public void EveryRuleInlinesItsElementMethod(Type rule)
    {
        var map = rule.GetInterfaceMap(typeof(ISlotRule).IsAssignableFrom(rule) ? typeof(ISlotRule) : typeof(IReductionRule));
        var method = map.TargetMethods.Single(m => m.Name.EndsWith("Apply", StringComparison.Ordinal) || m.Name.EndsWith("Accumulate", StringComparison.Ordinal));
        Assert.True(method.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveInlining), $"{rule.Name}.{method.Name} must be AggressiveInlining");
    }
}

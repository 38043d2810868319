using System.Reflection;
using System.Runtime.CompilerServices;
using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;
using Xunit;

namespace AdaptiveLR.Properties;

/// <summary>
/// The attributes that make the fused kernel's code the same whatever calls it and whatever the JIT's
/// tiering decides (see <c>Loop</c>'s remarks): without them a PGO-recompiled caller once left the
/// rule and the lanes as calls in the element loop, 5× slower. Speed itself is the benchmark's to show.
/// </summary>
public class KernelCodeGenerationTests
{
    private static readonly Assembly Pure = typeof(IElementRule).Assembly;

    [Fact]
    public void TheElementLoopIsNeverInlinedAndAlwaysFullyOptimised()
    {
        var loop = Pure.GetType("AdaptiveLR.Pure.Core.Loop`5", throwOnError: true)!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;
        var flags = loop.MethodImplementationFlags;
        Assert.True(flags.HasFlag(MethodImplAttributes.NoInlining), "Loop.Run must be NoInlining");
        Assert.True(flags.HasFlag(MethodImplAttributes.AggressiveOptimization), "Loop.Run must be AggressiveOptimization");
    }

    public static TheoryData<Type> Rules() => [.. Pure.GetTypes().Where(t => t.IsValueType && typeof(IElementRule).IsAssignableFrom(t))];

    [Theory]
    [MemberData(nameof(Rules))]
    public void EveryRuleInlinesItsApply(Type rule)
    {
        var map = rule.GetInterfaceMap(typeof(IElementRule));
        var apply = map.TargetMethods.Single(m => m.Name.EndsWith("Apply", StringComparison.Ordinal));
        Assert.True(apply.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveInlining), $"{rule.Name}.Apply must be AggressiveInlining");
    }

    public static TheoryData<Type> Lanes() => [.. Pure.GetTypes().Where(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ILane<>)))];

    [Theory]
    [MemberData(nameof(Lanes))]
    public void EveryLaneOperationInlines(Type lane)
    {
        string[] operations = ["Load", "Store", "Broadcast", "Sqrt", "Max", "Abs", "Sign", "op_Addition", "op_Subtraction", "op_Multiply", "op_Division", "op_UnaryNegation"];
        var methods = lane.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => operations.Contains(m.Name)).ToList();
        Assert.True(methods.Count >= 10, $"{lane.Name} has {methods.Count} lane operations");
        foreach (var method in methods)
            Assert.True(method.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveInlining), $"{lane.Name}.{method.Name} must be AggressiveInlining");
    }

    [Fact]
    public void TheRulesAndLanesAreFound()
    {
        Assert.True(Rules().Count >= 10);
        Assert.Equal(6, Lanes().Count);
    }
}

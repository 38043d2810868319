using System.Text.RegularExpressions;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// The element loops' machine code, as the JIT really emits it in the built tool (<c>DOTNET_JitDisasm</c>): no call may
/// be left inside a kernel loop. Attributes alone do not ensure it: a loop that inlines too much runs out of the JIT's
/// inlining budget and silently leaves lane operations as calls (three 8-bit slots once did: 5× slower). Only the
/// stack-cookie check and the zeroing of the loop's L1 scratch, once per call, are expected. The compressible algorithms'
/// loops are read as built for this machine and again as for one without AVX2 (SSE4.2 only: the 128-bit lanes an ARM64
/// machine runs too).
/// </summary>
public sealed partial class KernelMachineCodeTests : IDisposable
{
    private static readonly string[] Expected = ["CORINFO_HELP_FAIL_FAST", "CORINFO_HELP_MEMZERO"];
    private readonly TemporaryFolder folder = new();

    [Theory]
    [InlineData("int8", false)]
    [InlineData("bf16", false)]
    [InlineData("fp32", false)]
    [InlineData("int8", true)]
    [InlineData("bf16", true)]
    [InlineData("fp32", true)]
    public async Task TheElementLoopsOfEveryCompressibleAlgorithmCallNothing(string precision, bool without256BitVectors)
    {
        var loops = await ElementLoops(precision, "adam,adamw,amsgrad,lion,rmsprop,adagrad", without256BitVectors,
                                       "AdaptiveLR.Pure.Core.CompressedLoop`5", "AdaptiveLR.Pure.Core.Loop`5");
        var compressed = loops.Where(method => method.StartsWith("AdaptiveLR.Pure.Core.CompressedLoop`5", StringComparison.Ordinal)).ToList();
        // Adam and AdamW share a rule; AMSGrad is Adam's rule with a third slot: five distinct compressed loops.
        Assert.True(precision == "fp32" ? compressed.Count == 0 : compressed.Count >= 5, $"{compressed.Count} compressed loops compiled");
        Assert.True(loops.Count >= 5, $"{loops.Count} element loops compiled");
        // Without AVX2 the dispatch takes the 128-bit codec lane (not single floats), and the float kernel Vector<float>'s 4 lanes.
        if (without256BitVectors)
        {
            var names = loops.Select(Name).ToList();
            Assert.All(compressed, method => Assert.Contains(",AdaptiveLR.Pure.Numerics.Float128Lane,", Name(method)));
            if (precision == "fp32") Assert.Contains(names, name => name.Contains(",AdaptiveLR.Pure.Numerics.FloatVectorLane,", StringComparison.Ordinal));
            Assert.DoesNotContain(names, name => name.Contains("Float256Lane", StringComparison.Ordinal) || name.Contains("Float512Lane", StringComparison.Ordinal));
        }
        AssertNoCalls(loops);
    }

    /// <summary>
    /// What codes an 8-bit block again on a fresh scale runs fully optimised from its first call: a step from fresh state codes every
    /// block again, and compiled unoptimised first (tier 0) it made a process's first int8 step about 50 times slower.
    /// </summary>
    [Fact]
    public async Task CodingABlockAgainIsOptimisedFromItsFirstCall()
    {
        var methods = await ElementLoops("int8", "adam,amsgrad,lion", false, ["AdaptiveLR.Pure.Core.Codes:Settle"], "single", "Settle");
        Assert.NotEmpty(methods);
        Assert.All(methods, method => Assert.EndsWith("(FullOpts)", Name(method).TrimEnd()));
    }

    [Fact]
    public async Task TheElementAndReductionLoopsOfEveryStagedAlgorithmCallNothing()
    {
        var loops = await ElementLoops("fp32", "adopt,ademamix,adan,schedulefree-adamw,schedulefree-sgd,rprop,asgd,lamb,lars,prodigy,dadapt-adam", false,
                                       "AdaptiveLR.Pure.Core.DenseSlotLoop`3", "AdaptiveLR.Pure.Core.DenseReductionLoop`3");
        int reductions = loops.Count(method => method.StartsWith("AdaptiveLR.Pure.Core.DenseReductionLoop`3", StringComparison.Ordinal));
        // Eleven element rules (one lane width each, beside the scalar tail's) and four reduction rules.
        Assert.True(loops.Count - reductions >= 11, $"{loops.Count - reductions} element loops compiled");
        Assert.True(reductions >= 4, $"{reductions} reduction loops compiled");
        AssertNoCalls(loops);
    }

    /// <summary>
    /// Adafactor's float32 loops (the factored first pass's row and column loops, the unfactored passes) on the model
    /// layout, which has matrices and vectors: no call but a failed bounds check's.
    /// </summary>
    [Fact]
    public async Task AdafactorsFloatLoopsCallNothing()
    {
        string[] names = ["UpdateRows", "AccumulateColumns", "UpdateUnfactored", "ApplyUnfactored"];
        var loops = await ElementLoops("fp32", "adafactor", false, ["AdaptiveLR.Pure.Algorithms.AdafactorFloatKernel`1"], "model", string.Join(' ', names));
        foreach (string name in names) Assert.Contains(loops, method => method.Contains($"]:{name}(", StringComparison.Ordinal));
        AssertNoCalls(loops, "CORINFO_HELP_RNGCHKFAIL", "ThrowHelper");
    }

    /// <summary>The machine code of the loops whose names start with one of <paramref name="prefixes"/>, as a short bench of <paramref name="optimizers"/> compiles them.</summary>
    private Task<List<string>> ElementLoops(string precision, string optimizers, bool without256BitVectors, params string[] prefixes) =>
        ElementLoops(precision, optimizers, without256BitVectors, prefixes, "single", "Run Apply Accumulate");

    /// <summary>The same on <paramref name="layout"/>, listing the methods <paramref name="pattern"/> (<c>DOTNET_JitDisasm</c>'s syntax) names.</summary>
    private async Task<List<string>> ElementLoops(string precision, string optimizers, bool without256BitVectors, string[] prefixes, string layout, string pattern)
    {
        string listing = folder[$"jit-{precision}-{without256BitVectors}-{layout}-{optimizers.GetHashCode():x8}.txt"];
        var environment = new Dictionary<string, string>(without256BitVectors ? ToolEnvironment.Without256BitVectors : new Dictionary<string, string>())
        {
            ["DOTNET_JitDisasm"] = pattern,
            ["DOTNET_JitStdOutFile"] = listing,
        };
        var (exitCode, _, error) = await ToolEnvironment.RunAsync(folder.Path, environment,
            "bench", "--optimizers", optimizers, "--sizes", "10K", "--layout", layout, "--state-precision", precision, "--repeats", "1", "--in-process");
        Assert.True(exitCode == 0, $"bench exited with {exitCode}: {error}");
        return [.. File.ReadAllText(listing).Split("; Assembly listing for method ")
            .Where(method => prefixes.Any(prefix => method.StartsWith(prefix, StringComparison.Ordinal)))];
    }

    private static string Name(string method) => method[..method.IndexOf('\n')];

    /// <summary>No call in <paramref name="loops"/> but the expected ones and <paramref name="alsoAllowed"/>.</summary>
    private static void AssertNoCalls(List<string> loops, params string[] alsoAllowed)
    {
        foreach (string method in loops)
        {
            var calls = Call().Matches(method).Select(m => m.Groups[1].Value.Trim()).Where(target => !Expected.Concat(alsoAllowed).Any(target.Contains)).ToList();
            Assert.True(calls.Count == 0, $"{Name(method)} calls {string.Join(", ", calls.Distinct())}");
        }
    }

    public void Dispose() => folder.Dispose();

    [GeneratedRegex(@"^\s+call\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex Call();
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace AdaptiveLR.EndToEnd;

/// <summary>
/// The element loops' machine code, as the JIT really emits it in the built tool (<c>DOTNET_JitDisasm</c>): no call may
/// be left inside a kernel loop. Attributes alone do not ensure it: a loop that inlines too much runs out of the JIT's
/// inlining budget and silently leaves lane operations as calls (three 8-bit slots once did: 5× slower). Only the
/// stack-cookie check and the zeroing of the loop's L1 scratch, once per call, are expected.
/// </summary>
public sealed partial class KernelMachineCodeTests : IDisposable
{
    private static readonly string[] Expected = ["CORINFO_HELP_FAIL_FAST", "CORINFO_HELP_MEMZERO"];
    private readonly TemporaryFolder folder = new();

    [Theory]
    [InlineData("int8")]
    [InlineData("bf16")]
    [InlineData("fp32")]
    public async Task TheElementLoopsOfEveryCompressibleAlgorithmCallNothing(string precision)
    {
        var loops = await ElementLoops(precision, "adam,adamw,amsgrad,lion,rmsprop,adagrad", "AdaptiveLR.Pure.Core.CompressedLoop`5", "AdaptiveLR.Pure.Core.Loop`5");
        int compressed = loops.Count(method => method.StartsWith("AdaptiveLR.Pure.Core.CompressedLoop`5", StringComparison.Ordinal));
        // Adam and AdamW share a rule; AMSGrad is Adam's rule with a third slot: five distinct compressed loops.
        Assert.True(precision == "fp32" ? compressed == 0 : compressed >= 5, $"{compressed} compressed loops compiled");
        Assert.True(loops.Count >= 5, $"{loops.Count} element loops compiled");
        AssertNoCalls(loops);
    }

    [Fact]
    public async Task TheElementAndReductionLoopsOfEveryStagedAlgorithmCallNothing()
    {
        var loops = await ElementLoops("fp32", "adopt,ademamix,adan,schedulefree-adamw,schedulefree-sgd,rprop,asgd,lamb,lars,prodigy,dadapt-adam",
                                       "AdaptiveLR.Pure.Core.DenseSlotLoop`3", "AdaptiveLR.Pure.Core.DenseReductionLoop`3");
        int reductions = loops.Count(method => method.StartsWith("AdaptiveLR.Pure.Core.DenseReductionLoop`3", StringComparison.Ordinal));
        // Eleven element rules (one lane width each, beside the scalar tail's) and four reduction rules.
        Assert.True(loops.Count - reductions >= 11, $"{loops.Count - reductions} element loops compiled");
        Assert.True(reductions >= 4, $"{reductions} reduction loops compiled");
        AssertNoCalls(loops);
    }

    /// <summary>The machine code of the loops whose names start with one of <paramref name="prefixes"/>, as a short bench of <paramref name="optimizers"/> compiles them.</summary>
    private async Task<List<string>> ElementLoops(string precision, string optimizers, params string[] prefixes)
    {
        string listing = folder[$"jit-{precision}-{optimizers.GetHashCode():x8}.txt"];
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "adaptivelr.dll"));
        foreach (string arg in (string[])["bench", "--optimizers", optimizers, "--sizes", "10K", "--layout", "single",
                                          "--state-precision", precision, "--repeats", "1", "--in-process"])
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_JitDisasm"] = "Run Apply Accumulate";
        info.Environment["DOTNET_JitStdOutFile"] = listing;
        using (var process = Process.Start(info)!)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            string error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            await output;
            Assert.True(process.ExitCode == 0, $"bench exited with {process.ExitCode}: {error}");
        }
        return [.. File.ReadAllText(listing).Split("; Assembly listing for method ")
            .Where(method => prefixes.Any(prefix => method.StartsWith(prefix, StringComparison.Ordinal)))];
    }

    private static void AssertNoCalls(List<string> loops)
    {
        foreach (string method in loops)
        {
            string name = method[..method.IndexOf('\n')];
            var calls = Call().Matches(method).Select(m => m.Groups[1].Value.Trim()).Where(target => !Expected.Any(target.Contains)).ToList();
            Assert.True(calls.Count == 0, $"{name} calls {string.Join(", ", calls.Distinct())}");
        }
    }

    public void Dispose() => folder.Dispose();

    [GeneratedRegex(@"^\s+call\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex Call();
}

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
        string listing = folder[$"jit-{precision}.txt"];
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "adaptivelr.dll"));
        foreach (string arg in (string[])["bench", "--optimizers", "adam,adamw,amsgrad,lion,rmsprop,adagrad", "--sizes", "10K", "--layout", "single",
                                          "--state-precision", precision, "--repeats", "1", "--in-process"])
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_JitDisasm"] = "Run";
        info.Environment["DOTNET_JitStdOutFile"] = listing;
        using (var process = Process.Start(info)!)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            string error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            await output;
            Assert.True(process.ExitCode == 0, $"bench exited with {process.ExitCode}: {error}");
        }

        var loops = File.ReadAllText(listing).Split("; Assembly listing for method ")
            .Where(method => method.StartsWith("AdaptiveLR.Pure.Core.CompressedLoop`5", StringComparison.Ordinal)
                          || method.StartsWith("AdaptiveLR.Pure.Core.Loop`5", StringComparison.Ordinal))
            .ToList();
        int compressed = loops.Count(method => method.StartsWith("AdaptiveLR.Pure.Core.CompressedLoop`5", StringComparison.Ordinal));
        // Adam and AdamW share a rule; AMSGrad is Adam's rule with a third slot: five distinct compressed loops.
        Assert.True(precision == "fp32" ? compressed == 0 : compressed >= 5, $"{compressed} compressed loops compiled");
        Assert.True(loops.Count >= 5, $"{loops.Count} element loops compiled");
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

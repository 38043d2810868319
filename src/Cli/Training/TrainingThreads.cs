using static TorchSharp.torch;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// The thread budget of <c>train</c> and <c>compare</c> (<c>--threads</c>, <c>Training:Threads</c>):
/// LibTorch's intra-op pool and its inter-op pool both get this many threads, before the first
/// tensor operation, and the adapter's core sharing never uses more than LibTorch's budget.
/// </summary>
public static class TrainingThreads
{
    /// <summary>
    /// One thread. The seed's CNN is too small for LibTorch's pool to pay for itself: idle it saved
    /// little, and beside other work its threads wait on one another (README, "Threads").
    /// </summary>
    public const int Default = 1;

    /// <summary>More than any machine this tool targets; beyond it a value is a typo.</summary>
    public const int Maximum = 256;

    private static readonly Lock Gate = new();
    private static bool interOpSet;

    public static void Apply(int threads)
    {
        set_num_threads(threads);
        lock (Gate)
        {
            // LibTorch accepts the inter-op size once per process, before its pool starts: the
            // first command of a process (the CLI runs one) sets it; later in-process runs keep it.
            if (interOpSet) return;
            interOpSet = true;
            try
            {
                set_num_interop_threads(threads);
            }
            catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or InvalidOperationException)
            {
                // The pool had already started (a host process that ran tensors before us): it keeps its size.
            }
        }
    }
}

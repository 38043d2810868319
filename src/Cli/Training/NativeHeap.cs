using System.Runtime.InteropServices;

namespace AdaptiveLR.Cli.Training;

/// <summary>
/// LibTorch allocates and frees its temporaries with the C library's malloc, from several threads.
/// glibc keeps freed memory in per-thread arenas instead of returning it to the system, so the
/// process's resident memory creeps up over epochs although nothing is leaked. Trimming the heap once
/// per epoch hands the free pages back (a few milliseconds); where there is no glibc it does nothing.
/// </summary>
public static partial class NativeHeap
{
    private static bool unavailable = !OperatingSystem.IsLinux();

    /// <summary>Returns free C-heap memory to the system; true if the C library released any.</summary>
    public static bool ReturnFreeMemory()
    {
        if (unavailable) return false;
        try
        {
            return MallocTrim(0) != 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            unavailable = true; // musl and other C libraries have no malloc_trim
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}

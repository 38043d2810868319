using System.Runtime.InteropServices;

namespace AdaptiveLR.Properties;

/// <summary>Float memory for the slot kernel's properties: random values, and slots passed as addresses while pinned.</summary>
internal static class PinnedSlots
{
    /// <summary><paramref name="length"/> floats drawn from [−1, 1).</summary>
    public static float[] Values(Random random, int length) => [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1))];

    /// <summary><paramref name="count"/> slots of <paramref name="length"/> random floats.</summary>
    public static float[][] Slots(Random random, int count, int length) => [.. Enumerable.Range(0, count).Select(_ => Values(random, length))];

    /// <summary>Which of <paramref name="count"/> slots a configuration uses: four in five, the others null.</summary>
    public static bool[] Present(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => random.Next(5) > 0)];

    /// <summary>Runs <paramref name="pass"/> with the slots' addresses (zero where a slot is not <paramref name="present"/>) while they are pinned.</summary>
    public static void With(float[][] slots, bool[] present, Action<IntPtr[]> pass)
    {
        var handles = slots.Select(slot => GCHandle.Alloc(slot, GCHandleType.Pinned)).ToArray();
        try
        {
            pass([.. slots.Select((_, k) => present[k] ? handles[k].AddrOfPinnedObject() : IntPtr.Zero)]);
        }
        finally
        {
            foreach (var handle in handles) handle.Free();
        }
    }
}

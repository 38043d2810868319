using System.Runtime.InteropServices;

namespace AdaptiveLR.Torch;

/// <summary>
/// The few exported functions of TorchSharp's native library the adapter calls directly, so that a
/// step reads gradients and tensor memory without creating managed <c>Tensor</c> wrappers (each
/// wrapper is a managed allocation and a handle to dispose).
/// </summary>
internal static partial class NativeTensor
{
    private const string Library = "LibTorchSharp";

    public const sbyte Float32 = 6;
    public const sbyte Float64 = 7;
    public const int Cpu = 0;

    /// <summary>A new native handle to the gradient of <paramref name="tensor"/>, or zero when it has none. Free it with <see cref="Dispose"/>.</summary>
    [LibraryImport(Library, EntryPoint = "THSTensor_grad")]
    public static partial IntPtr Gradient(IntPtr tensor);

    [LibraryImport(Library, EntryPoint = "THSTensor_dispose")]
    public static partial void Dispose(IntPtr tensor);

    [LibraryImport(Library, EntryPoint = "THSTensor_data")]
    public static partial IntPtr Data(IntPtr tensor);

    /// <summary>A new tensor over memory it does not own: <paramref name="deleter"/> is called with the data when the tensor is freed.</summary>
    [LibraryImport(Library, EntryPoint = "THSTensor_new")]
    public static unsafe partial IntPtr New(void* data, IntPtr deleter, long* sizes, int dimensions, sbyte scalarType, sbyte targetType,
                                            int deviceType, int deviceIndex, [MarshalAs(UnmanagedType.U1)] bool requiresGradient);

    /// <summary>A deleter for <see cref="New"/> that frees nothing: the memory stays its owner's.</summary>
    public static unsafe IntPtr KeepMemory => (IntPtr)(delegate* unmanaged<IntPtr, void>)&Keep;

    [UnmanagedCallersOnly]
    private static void Keep(IntPtr data)
    {
    }

    /// <summary>How many dimensions <paramref name="tensor"/> has.</summary>
    [LibraryImport(Library, EntryPoint = "THSTensor_ndimension")]
    public static partial long DimensionCount(IntPtr tensor);

    /// <summary>The size of dimension <paramref name="dimension"/> of <paramref name="tensor"/>.</summary>
    [LibraryImport(Library, EntryPoint = "THSTensor_size")]
    public static partial long Size(IntPtr tensor, long dimension);

    /// <summary>
    /// Writes <paramref name="tensor"/>'s shape into <paramref name="shape"/> (a larger array replacing it only when it is too
    /// short) and returns the number of dimensions: a step reads the shape of every tensor, and <c>Tensor.shape</c>
    /// allocates a new array (and more) per call.
    /// </summary>
    public static int ShapeInto(IntPtr tensor, ref long[] shape)
    {
        int dimensions = checked((int)DimensionCount(tensor));
        if (shape.Length < dimensions) shape = new long[dimensions];
        for (int d = 0; d < dimensions; d++) shape[d] = Size(tensor, d);
        return dimensions;
    }

    [LibraryImport(Library, EntryPoint = "THSTensor_numel")]
    public static partial long ElementCount(IntPtr tensor);

    [LibraryImport(Library, EntryPoint = "THSTensor_type")]
    public static partial sbyte ScalarType(IntPtr tensor);

    [LibraryImport(Library, EntryPoint = "THSTensor_device_type")]
    public static partial int DeviceType(IntPtr tensor);

    [LibraryImport(Library, EntryPoint = "THSTensor_is_sparse")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool IsSparse(IntPtr tensor);

    [LibraryImport(Library, EntryPoint = "THSTensor_is_contiguous")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool IsContiguous(IntPtr tensor);

    /// <summary>True when the fused kernel can work on the tensor's own memory: dense, contiguous float32 on the CPU.</summary>
    public static bool IsDenseCpuFloat32(IntPtr tensor) =>
        ScalarType(tensor) == Float32 && DeviceType(tensor) == Cpu && !IsSparse(tensor) && IsContiguous(tensor);
}

using AdaptiveLR.Pure.Core;
using AdaptiveLR.Pure.Numerics;
using static TorchSharp.torch;

namespace AdaptiveLR.Torch;

public sealed partial class AdaptiveOptimizer
{
    /// <summary>
    /// How the state slots are kept (<see cref="Pure.Core.StatePrecision"/>): float32 (default), bfloat16 (a tensor
    /// shaped like the parameter), or 8-bit block-wise codes (one byte tensor per slot: a float scale per block of
    /// <see cref="StateCodec.BlockSize"/> values, then one code per value). Reading a slot by name decodes it.
    /// </summary>
    public StatePrecision StatePrecision { get; private set; } = StatePrecision.Float32;

    /// <summary>The element type of slot tensors at this optimizer's precision.</summary>
    internal ScalarType SlotDtypeOf(Tensor parameter) => StatePrecision switch
    {
        StatePrecision.BFloat16 => ScalarType.BFloat16,
        StatePrecision.Int8 => ScalarType.Byte,
        _ => parameter.dtype,
    };

    /// <summary>Throws unless this algorithm and these parameters can keep compressed state.</summary>
    private void CheckPrecision(Tensor parameter, string name)
    {
        if (StatePrecision == StatePrecision.Float32) return;
        if (Hyperparameters is TensorHyperparameters or StagedHyperparameters)
            throw new ArgumentException($"{Hyperparameters.Algorithm} keeps float32 state only; --state-precision {Name(StatePrecision)} is for the element-wise algorithms (adam, adamw, amsgrad, lion, rmsprop, adagrad, …)");
        if (!NativeTensor.IsDenseCpuFloat32(parameter.Handle))
            throw new ArgumentException($"parameter '{name}': {Name(StatePrecision)} state needs dense float32 CPU parameters, not {parameter.dtype} on {parameter.device}");
    }

    /// <summary>The command-line name of a precision: fp32, bf16, int8.</summary>
    public static string Name(StatePrecision precision) => precision switch
    {
        StatePrecision.BFloat16 => "bf16",
        StatePrecision.Int8 => "int8",
        _ => "fp32",
    };

    /// <summary>The shape of a compressed slot tensor for <paramref name="parameter"/>.</summary>
    internal long[] CompressedShape(Tensor parameter) => StatePrecision switch
    {
        StatePrecision.Int8 => [4L * StateCodec.Blocks((int)parameter.numel()) + parameter.numel()],
        _ => parameter.shape,
    };

    /// <summary>A slot tensor at this precision holding <paramref name="values"/> (float32, shaped like the parameter).</summary>
    internal unsafe Tensor Compress(Tensor values, Tensor parameter, StateSlot slot)
    {
        // Zeros: an 8-bit block codes on a fresh scale where its previous scale is 0.
        var storage = zeros(CompressedShape(parameter), SlotDtypeOf(parameter));
        using var floats = values.detach().to(float32).contiguous();
        int length = (int)parameter.numel();
        // A conversion outside any step (initial values, a slot assigned by name) draws its stochastic rounding as step 0.
        CompressedStep.Encode(Storage(storage, length, slot), 0, length, new ReadOnlySpan<float>((float*)NativeTensor.Data(floats.Handle), length), new RoundingSeed(0, 0));
        return storage;
    }

    /// <summary>The float32 values of a compressed slot tensor, shaped like the parameter.</summary>
    internal unsafe Tensor Decompress(Tensor storage, Tensor parameter, StateSlot slot)
    {
        int length = (int)parameter.numel();
        var values = empty(parameter.shape, float32);
        CompressedStep.Decode(Storage(storage, length, slot), 0, length, new Span<float>((float*)NativeTensor.Data(values.Handle), length));
        return values;
    }

    /// <summary>Where a slot tensor's codes (and scales) are, and how they are coded (<paramref name="layout"/>: the slot's sign and rounding).</summary>
    internal SlotStorage Storage(Tensor? slot, int length, StateSlot? layout)
    {
        if (slot is null) return SlotStorage.None;
        IntPtr data = NativeTensor.Data(slot.Handle);
        bool nonNegative = layout?.NonNegative ?? false;
        var rounding = layout?.Rounding ?? StateCodec.RoundingOf(nonNegative);
        return StatePrecision == StatePrecision.Int8
            ? new SlotStorage(data + 4 * StateCodec.Blocks(length), data, StatePrecision.Int8, nonNegative) { Rounding = rounding }
            : new SlotStorage(data, IntPtr.Zero, StatePrecision, nonNegative) { Rounding = rounding };
    }

    private StateSlot?[]? compressedLayout;

    /// <summary>Adds one tensor with compressed state to this step's job (<see cref="KernelJob"/> decodes and encodes it around the fused kernel).</summary>
    private void AddToCompressedStep(Hyperparameters record, State state, IntPtr gradient, StepContext context)
    {
        int length = checked((int)NativeTensor.ElementCount(state.Parameter.Handle));
        // Read once: some records build their layout on every call.
        compressedLayout ??= [.. Hyperparameters.Slots];
        job.Add(record, context, NativeTensor.Data(state.Parameter.Handle), NativeTensor.Data(gradient),
            Storage(state.Slots[0], length, compressedLayout[0]), Storage(state.Slots[1], length, compressedLayout[1]), Storage(state.Slots[2], length, compressedLayout[2]), length);
    }

    /// <summary>Bytes of optimizer state per parameter element, measured from the slot tensors.</summary>
    public double StateBytesPerParameter()
    {
        long bytes = 0, elements = 0;
        foreach (var state in states)
        {
            elements += state.Parameter.numel();
            foreach (var slot in state.Slots)
                if (slot is not null) bytes += slot.numel() * slot.ElementSize;
        }
        return elements == 0 ? 0 : (double)bytes / elements;
    }
}

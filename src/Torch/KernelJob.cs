using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Torch;

/// <summary>
/// One optimizer step over many float32 tensors as a single <see cref="RangeJob"/>: the tensors are
/// laid end to end in one index range, so that the cores split the whole step evenly — a model's
/// many small tensors as well as one large one — with one hand-off per step. Holds raw pointers to
/// the tensor memory of each parameter, its gradient and its state slots (float32, or compressed:
/// <see cref="SlotStorage"/>); its arrays grow to the number of tensors once and are reused, so a step
/// allocates nothing. Compressed tensors start at a multiple of <see cref="CompressedStep.Chunk"/> in the
/// index range, so that the ranges the cores take (multiples of the splitter's chunk) enter every tensor
/// at a block boundary.
/// </summary>
internal sealed unsafe class KernelJob : RangeJob
{
    private int count;
    private Hyperparameters[] rules = [];
    private StepContext[] contexts = [];
    private IntPtr[] parameters = [], gradients = [];
    private SlotStorage[] slots = [];
    private bool[] compressed = [];
    private long[] lengths = [];
    private long[] starts = [0];

    /// <summary>The job's index range: the elements added since <see cref="Begin"/>, each compressed tensor starting at a whole chunk.</summary>
    public long Length => starts[count];

    public void Begin(int capacity)
    {
        count = 0;
        if (contexts.Length >= capacity) return;
        rules = new Hyperparameters[capacity];
        contexts = new StepContext[capacity];
        parameters = new IntPtr[capacity];
        gradients = new IntPtr[capacity];
        slots = new SlotStorage[3 * capacity];
        compressed = new bool[capacity];
        lengths = new long[capacity];
        starts = new long[capacity + 1];
    }

    /// <summary>One tensor, stepped with <paramref name="rule"/>: its parameter group's hyperparameters. Unused slots are <see cref="SlotStorage.None"/>.</summary>
    public void Add(Hyperparameters rule, StepContext context, IntPtr parameter, IntPtr gradient, SlotStorage slot0, SlotStorage slot1, SlotStorage slot2, long length)
    {
        (rules[count], contexts[count], parameters[count], gradients[count], lengths[count]) = (rule, context, parameter, gradient, length);
        (slots[3 * count], slots[3 * count + 1], slots[3 * count + 2]) = (slot0, slot1, slot2);
        compressed[count] = IsCompressed(slot0) || IsCompressed(slot1) || IsCompressed(slot2);
        // The gap this leaves after the tensor before has no elements of its own (Run clamps to each tensor's length).
        if (compressed[count]) starts[count] = (starts[count] + CompressedStep.Chunk - 1) / CompressedStep.Chunk * CompressedStep.Chunk;
        starts[count + 1] = starts[count] + length;
        count++;
    }

    private static bool IsCompressed(SlotStorage slot) => slot.Values != IntPtr.Zero && slot.Precision != StatePrecision.Float32;

    public override void Run(int start, int length) => Run(start, (long)start + length);

    /// <summary>Every element on this thread: for steps beyond the int range <see cref="CoreSplitter"/> splits.</summary>
    public void RunAll() => Run(0, Length);

    /// <summary>Steps the elements [start, end) of the concatenated tensors.</summary>
    private void Run(long start, long end)
    {
        int tensor = Array.BinarySearch(starts, 0, count + 1, start);
        if (tensor < 0) tensor = ~tensor - 1;
        for (; tensor < count && starts[tensor] < end; tensor++)
        {
            long from = Math.Max(start, starts[tensor]) - starts[tensor];
            int elements = checked((int)(Math.Min(end - starts[tensor], lengths[tensor]) - from));
            if (elements <= 0) continue;
            float* parameter = (float*)parameters[tensor] + from, gradient = (float*)gradients[tensor] + from;
            if (compressed[tensor])
            {
                int offset = checked((int)from);
                CompressedStep.Apply(rules[tensor], contexts[tensor], parameter, gradient, elements, offset,
                                     slots[3 * tensor].From(offset), slots[3 * tensor + 1].From(offset), slots[3 * tensor + 2].From(offset));
                continue;
            }
            FusedStep.Apply(rules[tensor], contexts[tensor], new Span<float>(parameter, elements), new ReadOnlySpan<float>(gradient, elements),
                Slot(slots[3 * tensor], from, elements), Slot(slots[3 * tensor + 1], from, elements), Slot(slots[3 * tensor + 2], from, elements));
        }
    }

    private static Span<float> Slot(SlotStorage slot, long from, int elements) =>
        slot.Values == IntPtr.Zero ? [] : new Span<float>((float*)slot.Values + from, elements);
}

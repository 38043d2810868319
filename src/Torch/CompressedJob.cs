using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Torch;

/// <summary>
/// One optimizer step over many tensors with compressed state as a single <see cref="RangeJob"/>, like
/// <see cref="KernelJob"/>; each tensor starts at a multiple of <see cref="CompressedStep.Chunk"/> in the job's
/// index range, so that the ranges the cores take (multiples of the splitter's chunk) enter every tensor at a
/// block boundary. Arrays grow once and are reused.
/// </summary>
internal sealed unsafe class CompressedJob : RangeJob
{
    private int count;
    private Hyperparameters[] rules = [];
    private StepContext[] contexts = [];
    private IntPtr[] parameters = [], gradients = [];
    private SlotStorage[] slots = [];
    private int[] lengths = [];
    private long[] starts = [0];

    /// <summary>The job's index range: every tensor rounded up to whole chunks.</summary>
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
        lengths = new int[capacity];
        starts = new long[capacity + 1];
    }

    public void Add(Hyperparameters rule, StepContext context, IntPtr parameter, IntPtr gradient, SlotStorage slot0, SlotStorage slot1, SlotStorage slot2, int length)
    {
        (rules[count], contexts[count], parameters[count], gradients[count], lengths[count]) = (rule, context, parameter, gradient, length);
        (slots[3 * count], slots[3 * count + 1], slots[3 * count + 2]) = (slot0, slot1, slot2);
        long padded = ((long)length + CompressedStep.Chunk - 1) / CompressedStep.Chunk * CompressedStep.Chunk;
        starts[count + 1] = starts[count] + padded;
        count++;
    }

    public override void Run(int start, int length) => Run((long)start, (long)start + length);

    public void RunAll() => Run(0, Length);

    private void Run(long start, long end)
    {
        int tensor = Array.BinarySearch(starts, 0, count + 1, start);
        if (tensor < 0) tensor = ~tensor - 1;
        for (; tensor < count && starts[tensor] < end; tensor++)
        {
            int from = checked((int)(Math.Max(start, starts[tensor]) - starts[tensor]));
            int to = (int)Math.Min(end - starts[tensor], lengths[tensor]);
            if (to <= from) continue;
            CompressedStep.Apply(rules[tensor], contexts[tensor], (float*)parameters[tensor] + from, (float*)gradients[tensor] + from, to - from,
                                 slots[3 * tensor].From(from), slots[3 * tensor + 1].From(from), slots[3 * tensor + 2].From(from));
        }
    }
}

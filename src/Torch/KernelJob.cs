using AdaptiveLR.Pure.Core;

namespace AdaptiveLR.Torch;

/// <summary>
/// One optimizer step over many float32 tensors as a single <see cref="RangeJob"/>: the tensors are
/// laid end to end in one index range, so that the cores split the whole step evenly — a model's
/// many small tensors as well as one large one — with one hand-off per step. Holds raw pointers to
/// the tensor memory of each parameter, its gradient and its state slots (zero where unused); its
/// arrays grow to the number of tensors once and are reused, so a step allocates nothing.
/// </summary>
internal sealed unsafe class KernelJob : RangeJob
{
    private int count;
    private Hyperparameters[] rules = [];
    private StepContext[] contexts = [];
    private IntPtr[] parameters = [], gradients = [], states0 = [], states1 = [], states2 = [];
    private long[] starts = [0];

    /// <summary>The total number of elements added since <see cref="Begin"/>.</summary>
    public long Length => starts[count];

    public void Begin(int capacity)
    {
        count = 0;
        if (contexts.Length >= capacity) return;
        rules = new Hyperparameters[capacity];
        contexts = new StepContext[capacity];
        parameters = new IntPtr[capacity];
        gradients = new IntPtr[capacity];
        states0 = new IntPtr[capacity];
        states1 = new IntPtr[capacity];
        states2 = new IntPtr[capacity];
        starts = new long[capacity + 1];
    }

    /// <summary>One tensor, stepped with <paramref name="rule"/>: its parameter group's hyperparameters.</summary>
    public void Add(Hyperparameters rule, StepContext context, IntPtr parameter, IntPtr gradient, IntPtr state0, IntPtr state1, IntPtr state2, long length)
    {
        (rules[count], contexts[count], parameters[count], gradients[count]) = (rule, context, parameter, gradient);
        (states0[count], states1[count], states2[count]) = (state0, state1, state2);
        starts[count + 1] = starts[count] + length;
        count++;
    }

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
            int elements = checked((int)(Math.Min(end, starts[tensor + 1]) - starts[tensor] - from));
            if (elements <= 0) continue;
            FusedStep.Apply(rules[tensor], contexts[tensor],
                new Span<float>((float*)parameters[tensor] + from, elements),
                new ReadOnlySpan<float>((float*)gradients[tensor] + from, elements),
                Slot(states0[tensor], from, elements), Slot(states1[tensor], from, elements), Slot(states2[tensor], from, elements));
        }
    }

    private static Span<float> Slot(IntPtr slot, long from, int elements) =>
        slot == IntPtr.Zero ? [] : new Span<float>((float*)slot + from, elements);
}

namespace AdaptiveLR.Torch;

/// <summary>A piece of work over the index range [0, length) that can run in parts on several threads.</summary>
internal abstract class RangeJob
{
    public abstract void Run(int start, int count);
}

/// <summary>
/// Splits a <see cref="RangeJob"/> across the cores: the calling thread takes the first part,
/// long-lived worker threads the others. No allocation per call; one job at a time.
/// </summary>
internal sealed class CoreSplitter
{
    /// <summary>Parts start on multiples of this many elements (1 KiB of floats), so no two threads share a cache line.</summary>
    private const int Alignment = 256;

    public static CoreSplitter Shared { get; } = new(Environment.ProcessorCount);

    private readonly Worker[] workers;
    private readonly Lock gate = new();

    private CoreSplitter(int cores) => workers = [.. Enumerable.Range(1, Math.Max(0, cores - 1)).Select(i => new Worker(i))];

    public int Cores => workers.Length + 1;

    /// <summary>Runs <paramref name="job"/> over [0, <paramref name="length"/>), in parts of at least <paramref name="minimumPart"/> elements.</summary>
    public void Run(RangeJob job, int length, int minimumPart)
    {
        int parts = Math.Clamp(length / Math.Max(minimumPart, Alignment), 1, Cores);
        if (parts == 1)
        {
            job.Run(0, length);
            return;
        }
        lock (gate)
        {
            int part = length / parts / Alignment * Alignment;
            for (int w = 0; w < parts - 1; w++)
                workers[w].Start(job, part * (w + 1), w == parts - 2 ? length - part * (w + 1) : part);
            Exception? failure = null;
            try
            {
                job.Run(0, part);
            }
            catch (Exception e)
            {
                failure = e;
            }
            for (int w = 0; w < parts - 1; w++) failure ??= workers[w].Wait();
            if (failure is not null) throw new AggregateException("a parallel part of the optimizer step failed", failure);
        }
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim started = new(false), finished = new(false);
        private RangeJob? job;
        private int start, count;
        private Exception? failure;

        public Worker(int index) =>
            new Thread(Loop) { IsBackground = true, Name = $"AdaptiveLR kernel {index}" }.Start();

        public void Start(RangeJob work, int from, int length)
        {
            (job, start, count, failure) = (work, from, length, null);
            finished.Reset();
            started.Set();
        }

        public Exception? Wait()
        {
            finished.Wait();
            return failure;
        }

        private void Loop()
        {
            while (true)
            {
                started.Wait();
                started.Reset();
                try
                {
                    job!.Run(start, count);
                }
                catch (Exception e)
                {
                    failure = e;
                }
                job = null;
                finished.Set();
            }
        }
    }
}

namespace AdaptiveLR.Torch;

/// <summary>A piece of work over the index range [0, length) that can run in parts on several threads.</summary>
internal abstract class RangeJob
{
    public abstract void Run(int start, int count);
}

/// <summary>
/// Shares a <see cref="RangeJob"/> between the calling thread and long-lived worker threads. The
/// range is cut into chunks that every thread claims in turn, so the caller never waits for a
/// worker that the scheduler has not run yet: on a busy machine (libtorch's own threads, another
/// process) it simply does more chunks itself. No allocation per call; one job at a time.
/// </summary>
internal sealed class CoreSplitter
{
    /// <summary>Elements per claimed chunk: 128 KiB of floats, large enough to amortise the claim, small enough to balance.</summary>
    internal const int ChunkElements = 32 * 1024;

    public static CoreSplitter Shared { get; } = new(Environment.ProcessorCount);

    private readonly Worker[] workers;
    private readonly Lock gate = new();

    private RangeJob? job;
    private int length, nextChunk, busyWorkers, closed = 1;
    private Exception? failure;

    private CoreSplitter(int cores) => workers = [.. Enumerable.Range(1, Math.Max(0, cores - 1)).Select(i => new Worker(this, i))];

    /// <summary>
    /// Runs <paramref name="work"/> over [0, <paramref name="count"/>); other cores join when there
    /// are at least <paramref name="minimumToShare"/> elements, at most <paramref name="maximumThreads"/>
    /// threads in all, the caller included.
    /// </summary>
    public void Run(RangeJob work, int count, int minimumToShare, int maximumThreads = int.MaxValue)
    {
        if (workers.Length == 0 || maximumThreads <= 1 || count < Math.Max(minimumToShare, 2 * ChunkElements))
        {
            work.Run(0, count);
            return;
        }
        lock (gate)
        {
            (job, length, nextChunk, failure) = (work, count, 0, null);
            Interlocked.Exchange(ref closed, 0);
            for (int i = 0; i < Math.Min(workers.Length, maximumThreads - 1); i++) workers[i].Wake();
            RunChunks();
            // No worker may start on this job from now on; wait only for chunks already claimed.
            Interlocked.Exchange(ref closed, 1);
            var spin = new SpinWait();
            // Never Thread.Sleep(1) here: a worker finishing its last chunk is microseconds away, a sleep is a millisecond.
            while (Volatile.Read(ref busyWorkers) != 0) spin.SpinOnce(sleep1Threshold: -1);
            job = null;
            if (failure is not null) throw new AggregateException("a parallel part of the optimizer step failed", failure);
        }
    }

    private void RunChunks()
    {
        try
        {
            for (int chunk = Interlocked.Increment(ref nextChunk) - 1; (long)chunk * ChunkElements < length; chunk = Interlocked.Increment(ref nextChunk) - 1)
            {
                int start = chunk * ChunkElements;
                job!.Run(start, Math.Min(ChunkElements, length - start));
            }
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref failure, e, null);
            Interlocked.Exchange(ref nextChunk, int.MaxValue / 2);
        }
    }

    private void HelpIfOpen()
    {
        Interlocked.Increment(ref busyWorkers);
        if (Volatile.Read(ref closed) == 0) RunChunks();
        Interlocked.Decrement(ref busyWorkers);
    }

    private sealed class Worker
    {
        private readonly ManualResetEventSlim wake = new(false);

        public Worker(CoreSplitter owner, int index) =>
            new Thread(() => Loop(owner)) { IsBackground = true, Name = $"AdaptiveLR kernel {index}" }.Start();

        public void Wake() => wake.Set();

        private void Loop(CoreSplitter owner)
        {
            while (true)
            {
                wake.Wait();
                wake.Reset();
                owner.HelpIfOpen();
            }
        }
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AsyncRL.Models.Backend;

internal static unsafe partial class ManagedGemm
{
    /// <summary>
    /// Products below this many multiply-adds (m·n·k) stay on the calling thread. At 2^19 (128×64×64,
    /// 9.4 µs alone) two threads take 5.6 µs on an idle machine and break even on a busy one; at 2^18
    /// the hand-off already loses when the second core is contended.
    /// </summary>
    internal const long ParallelMinMacs = 1L << 19;

    /// <summary>How long an idle helper keeps polling for the next product (back-to-back products in a training step) before it blocks.</summary>
    private static readonly long s_spinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    // One product at a time uses the helpers; a concurrent caller runs alone rather than wait.
    private static readonly Lock s_gate = new();
    private static Helper[] s_helpers = [];

    // The product being split, written by the caller under s_gate before it opens the claims.
    private static Operands s_job;
    private static int s_jobM, s_jobN, s_jobK, s_jobAlign;
    private static delegate*<in Operands, int, int, int, void> s_jobKernel;

    // Parts are claimed, not assigned: a helper that wakes late finds them taken and the caller never
    // waits for a thread the OS has not scheduled. Low 16 bits: next part; next 16: the part count.
    private static long s_claims;
    private static int s_unfinished;

    /// <summary>Runs one product on up to <paramref name="maxThreads"/> threads (the caller plus helpers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TS, TV>(in Operands ops, int m, int n, int k, int maxThreads)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int parts = Parts<TS, TV>(m, n, k, maxThreads);
        if (parts <= 1 || !s_gate.TryEnter())
        {
            Single<TS, TV>(ops, m, n, k);
            return;
        }
        try
        {
            EnsureHelpers(parts - 1);
            s_job = ops;
            (s_jobM, s_jobN, s_jobK) = (m, n, k);
            s_jobAlign = m >= n ? TS.TileRows : 2 * TS.Width;
            s_jobKernel = &Single<TS, TV>;
            Volatile.Write(ref s_unfinished, parts);
            Interlocked.Exchange(ref s_claims, (long)parts << 16);
            for (int h = 0; h < parts - 1; h++) s_helpers[h].Wake();
            RunClaimedParts();
            var spin = new SpinWait();
            while (Volatile.Read(ref s_unfinished) != 0) spin.SpinOnce(sleep1Threshold: -1);
        }
        finally
        {
            s_gate.Exit();
        }
    }

    /// <summary>Claims and runs parts of the current product until none are left.</summary>
    private static void RunClaimedParts()
    {
        while (true)
        {
            long claim = Interlocked.Increment(ref s_claims) - 1;
            int part = (int)(claim & 0xFFFF), parts = (int)((claim >> 16) & 0xFFFF);
            if (part >= parts) return;
            // The product cannot finish, and its fields cannot change, before this part is done.
            RunPart(part, parts);
            Interlocked.Decrement(ref s_unfinished);
        }
    }

    /// <summary>How many blocks to cut C into: one per thread, each at least a few register tiles.</summary>
    private static int Parts<TS, TV>(int m, int n, int k, int maxThreads)
        where TS : struct, ISimd<TV> where TV : struct
    {
        if (maxThreads <= 1 || (long)m * n * k < ParallelMinMacs) return 1;
        int tiles = m >= n ? m / (2 * TS.TileRows) : n / (4 * TS.Width);
        return Math.Clamp(tiles, 1, maxThreads);
    }

    /// <summary>Computes block <paramref name="part"/> of the current job: rows of C when it is tall, columns when wide.</summary>
    private static void RunPart(int part, int parts)
    {
        int m = s_jobM, n = s_jobN;
        bool byRows = m >= n;
        int extent = byRows ? m : n;
        // Block boundaries on whole register tiles, so only the last block has a ragged edge.
        int align = s_jobAlign;
        int step = ((extent + parts - 1) / parts + align - 1) / align * align;
        int start = Math.Min(part * step, extent), length = Math.Min(step, extent - start);
        if (length <= 0) return;
        var block = byRows ? s_job.Sub(start, 0) : s_job.Sub(0, start);
        s_jobKernel(block, byRows ? length : m, byRows ? n : length, s_jobK);
    }

    private static void EnsureHelpers(int count)
    {
        if (s_helpers.Length >= count) return;
        var helpers = new Helper[count];
        s_helpers.CopyTo(helpers, 0);
        for (int h = s_helpers.Length; h < count; h++) helpers[h] = new Helper(h + 1);
        s_helpers = helpers;
    }

    /// <summary>
    /// A background thread that helps with split products. After one it polls for the next for a short
    /// while, yielding its core to anyone who wants it, then blocks.
    /// </summary>
    private sealed class Helper
    {
        private readonly SemaphoreSlim _wake = new(0);
        private int _generation;
        private int _parked;

        public Helper(int index) =>
            new Thread(Loop) { IsBackground = true, Name = $"AsyncRL GEMM helper {index}" }.Start();

        /// <summary>Tells this helper there are parts to claim (the caller holds s_gate).</summary>
        public void Wake()
        {
            // The increment is a full fence: a helper that parks after it will see the new generation.
            Interlocked.Increment(ref _generation);
            if (Volatile.Read(ref _parked) == 1) _wake.Release();
        }

        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                seen = WaitForJob(seen);
                RunClaimedParts();
            }
        }

        private int WaitForJob(int seen)
        {
            long deadline = Stopwatch.GetTimestamp() + s_spinTicks;
            while (true)
            {
                int generation = Volatile.Read(ref _generation);
                if (generation != seen) return generation;
                if (Stopwatch.GetTimestamp() < deadline)
                {
                    // Yield rather than burn the core: on a machine shared with busy processes a helper that spins
                    // uses up its scheduler share and is then preempted in the middle of a part, stalling the
                    // caller for a whole time slice (measured on 2 busy cores: 128×64×64 took 2× longer on 2 threads than on 1; yielding, it broke even).
                    Thread.Yield();
                    continue;
                }
                Interlocked.Exchange(ref _parked, 1);
                if (Volatile.Read(ref _generation) == seen) _wake.Wait();
                Volatile.Write(ref _parked, 0);
                deadline = Stopwatch.GetTimestamp() + s_spinTicks;
            }
        }
    }
}

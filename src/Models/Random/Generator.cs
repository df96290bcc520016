namespace AsyncRL.Models;

/// <summary>
/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64). The same seed gives
/// the same stream on every machine and runtime, so initialisation and sampling are reproducible.
/// Not thread-safe: give each thread or actor its own, derived with <see cref="Fork"/>.
/// </summary>
public sealed class Generator
{
    private ulong _s0, _s1, _s2, _s3;
    private float _spareNormal;
    private bool _hasSpare;

    /// <summary>Creates a generator from a seed.</summary>
    public Generator(ulong seed) => SetState(seed);

    /// <summary>The seed this generator was last (re)seeded with.</summary>
    public ulong Seed { get; private set; }

    /// <summary>Re-seeds the generator.</summary>
    public void SetState(ulong seed)
    {
        Seed = seed;
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
        _hasSpare = false;
    }

    /// <summary>The raw state (four words and the Box–Muller spare), for checkpoints.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3, _hasSpare ? 1UL : 0UL, BitConverter.SingleToUInt32Bits(_spareNormal)];

    /// <summary>Restores a state from <see cref="GetState"/>.</summary>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 6) throw new ArgumentException($"Generator state must have 6 words, got {state.Length}.", nameof(state));
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
        _hasSpare = state[4] != 0;
        _spareNormal = BitConverter.UInt32BitsToSingle((uint)state[5]);
    }

    /// <summary>An independent generator derived from this one's stream.</summary>
    public Generator Fork() => new(NextUInt64());

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 bits of precision.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 bits of precision.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high).</summary>
    public float NextUniform(float low, float high) => low + (high - low) * NextFloat();

    /// <summary>Uniform integer in [0, n) without modulo bias.</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"NextInt: n must be positive, got {n}.");
        ulong bound = (ulong)n;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            UInt128 m = (UInt128)r * bound;
            if ((ulong)m >= threshold) return (int)(m >> 64);
        }
    }

    /// <summary>Standard normal (Box–Muller, pairs cached).</summary>
    public float NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = (float)(r * Math.Sin(2 * Math.PI * u2));
        _hasSpare = true;
        return (float)(r * Math.Cos(2 * Math.PI * u2));
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

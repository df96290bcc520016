using AsyncRL.Algorithms.Replay;

namespace AsyncRL.Algorithms.Tests.Replay;

public sealed class ReplayBufferTests
{
    private static readonly ReplayColumn[] Columns = [new("obs", 2), new("action", 1)];

    // Row v has obs (v, −v) and action v.
    private static void InsertValues(ReplayBuffer buffer, long version, params float[] values)
    {
        var obs = values.SelectMany(v => new[] { v, -v }).ToArray();
        buffer.Insert(values.Length, [obs, values], version);
    }

    private static HashSet<float> SampledActions(ReplayBuffer buffer, int batches = 200)
    {
        var sample = new ReplaySample(buffer.Columns, 16);
        var rng = new Generator(1);
        var seen = new HashSet<float>();
        for (int i = 0; i < batches; i++)
        {
            buffer.Sample(sample, rng, 0);
            seen.UnionWith(sample.Column("action").ToArray());
            for (int k = 0; k < 16; k++) Assert.Equal(-sample.Column("action")[k], sample.Column("obs")[2 * k + 1]);
        }
        return seen;
    }

    [Fact]
    public void Insert_PastCapacity_EvictsTheOldestRowsFirst()
    {
        var buffer = new ReplayBuffer(new ReplayOptions { Capacity = 4 }, Columns);
        InsertValues(buffer, 0, 1, 2, 3);
        InsertValues(buffer, 0, 4, 5, 6);
        Assert.Equal(4, buffer.Size);
        Assert.Equal(6, buffer.Inserted);
        Assert.Equal(2, buffer.Evicted);
        Assert.Equal(new HashSet<float> { 3, 4, 5, 6 }, SampledActions(buffer));
        var (tensors, _) = buffer.SaveState("r.");
        Assert.Equal([5f, 6, 3, 4], tensors["r.column.action"].ToArray()); // slot order: 5 and 6 overwrote 1 and 2
        InsertValues(buffer, 0, 7, 8, 9, 10, 11); // more than the capacity in one insert
        Assert.Equal(new HashSet<float> { 8, 9, 10, 11 }, SampledActions(buffer));
        Assert.Equal(7, buffer.Evicted);
    }

    [Fact]
    public void Prioritized_SamplesInProportionToPriorityToTheAlpha()
    {
        var buffer = new ReplayBuffer(new ReplayOptions { Capacity = 8, Prioritized = true, Alpha = 0.5f, PriorityEpsilon = 1e-6f }, Columns);
        float[] td = [1, 4, 9, 16];
        InsertValues(buffer, 0, 0, 1, 2, 3);
        var sample = new ReplaySample(buffer.Columns, 32);
        var rng = new Generator(11);
        buffer.Sample(sample, rng, 0);
        // Every row starts at the max priority (1); set |δ| per row through the keys.
        var keys = new long[4];
        for (int k = 0; k < 32; k++) keys[(int)sample.Column("action")[k]] = sample.Keys[k];
        buffer.UpdatePriorities(keys, td);
        var counts = new int[4];
        const int batches = 5000;
        for (int i = 0; i < batches; i++)
        {
            buffer.Sample(sample, rng, 0);
            foreach (var a in sample.Column("action")) counts[(int)a]++;
        }
        // pᵢ^α = 1, 2, 3, 4 → P = 0.1 … 0.4; χ² with 3 degrees of freedom, 16.27 is the 0.001 quantile.
        double chi2 = 0, n = batches * 32.0;
        for (int i = 0; i < 4; i++)
        {
            double expected = n * (i + 1) / 10.0;
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        Assert.True(chi2 < 16.27, $"χ² = {chi2:F2}, counts {string.Join(",", counts)}");
    }

    [Fact]
    public void Prioritized_ImportanceWeights_FollowTheFormula()
    {
        var options = new ReplayOptions { Capacity = 8, Prioritized = true, Alpha = 0.7f, Beta0 = 0.4f, BetaAnnealUpdates = 100 };
        var buffer = new ReplayBuffer(options, Columns);
        InsertValues(buffer, 0, 0, 1, 2);
        float[] raw = [0.5f, 2f, 3f];
        var sample = new ReplaySample(buffer.Columns, 64);
        var rng = new Generator(5);
        buffer.Sample(sample, rng, 0);
        var keys = new long[3];
        for (int k = 0; k < 64; k++) keys[(int)sample.Column("action")[k]] = sample.Keys[k];
        buffer.UpdatePriorities(keys, raw);
        buffer.CurrentUpdate = 25; // β = 0.4 + 0.6·0.25 = 0.55
        buffer.Sample(sample, rng, 0);

        var leaves = raw.Select(d => Math.Pow(d + 1e-6, 0.7)).ToArray();
        double total = leaves.Sum();
        int size = 3;
        double beta = 0.55;
        double maxWeight = leaves.Max(l => Math.Pow(size * l / total, -beta));
        for (int k = 0; k < 64; k++)
        {
            int row = (int)sample.Column("action")[k];
            double p = leaves[row] / total;
            Assert.Equal(p, sample.Probabilities[k], 6);
            Assert.Equal(Math.Pow(size * p, -beta) / maxWeight, sample.Weights[k], 5);
        }
        Assert.Equal(0.55f, buffer.Beta, 6);
        Assert.Equal(1f, sample.Weights.Where((_, k) => sample.Column("action")[k] == 0).DefaultIfEmpty(1f).First(), 6); // the rarest row weighs most
    }

    [Fact]
    public void Sample_ReportsPolicyLagAndAgeInUpdates()
    {
        var buffer = new ReplayBuffer(new ReplayOptions { Capacity = 10 }, Columns);
        buffer.CurrentUpdate = 3;
        InsertValues(buffer, 5, 1);
        buffer.CurrentUpdate = 10;
        InsertValues(buffer, 8, 2);
        buffer.CurrentUpdate = 12;
        var sample = new ReplaySample(buffer.Columns, 50);
        buffer.Sample(sample, new Generator(2), learnerVersion: 9);
        for (int k = 0; k < 50; k++)
        {
            bool first = sample.Column("action")[k] == 1;
            Assert.Equal(first ? 4 : 1, sample.PolicyLag[k]);
            Assert.Equal(first ? 9 : 2, sample.Age[k]);
        }
        Assert.Equal(50, buffer.Sampled);
    }

    [Fact]
    public void UpdatePriorities_ForEvictedRows_AreCountedAndIgnored()
    {
        var buffer = new ReplayBuffer(new ReplayOptions { Capacity = 2, Prioritized = true }, Columns);
        InsertValues(buffer, 0, 1, 2);
        var sample = new ReplaySample(buffer.Columns, 4);
        buffer.Sample(sample, new Generator(1), 0);
        InsertValues(buffer, 0, 3, 4);
        buffer.UpdatePriorities(sample.Keys, [5, 5, 5, 5]);
        Assert.Equal(4, buffer.StalePriorityUpdates);
        Assert.Equal(0, buffer.PriorityUpdates);
        Assert.Equal(1.0, buffer.MaxPriority, 6);
    }

    [Fact]
    public void Insert_BadShapes_AreRejectedWithTheColumnAndChangeNothing()
    {
        var buffer = new ReplayBuffer(new ReplayOptions { Capacity = 4 }, Columns);
        var ex = Assert.Throws<ArgumentException>(() => buffer.Insert(2, [new float[3], new float[2]], 0));
        Assert.Contains("column 'obs' has 3 values, expected 2 × 2", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => buffer.Insert(2, [new float[4], new float[2]], [1, 2, 3]));
        Assert.Throws<ArgumentException>(() => buffer.Insert(2, [new float[4], new float[2]], 0, [float.NaN, 1]));
        Assert.Equal(0, buffer.Size);
        Assert.Equal(0, buffer.Inserted);
    }

    [Fact]
    public void SaveState_RestoreState_RoundTripsRowsPrioritiesAndCounters()
    {
        var options = new ReplayOptions { Capacity = 6, Prioritized = true };
        var a = new ReplayBuffer(options, Columns);
        a.CurrentUpdate = 100;
        InsertValues(a, 1_000_000, 1, 2, 3, 4);
        a.CurrentUpdate = 140;
        InsertValues(a, 1_000_007, 5, 6, 7, 8); // wraps: 1 and 2 are evicted
        var sample = new ReplaySample(a.Columns, 8);
        a.Sample(sample, new Generator(1), 1_000_010);
        a.UpdatePriorities(sample.Keys, [0.1f, 2f, 0.3f, 4f, 0.5f, 6f, 0.7f, 8f]);
        var (tensors, metadata) = a.SaveState("replay.");

        var b = new ReplayBuffer(options, Columns);
        b.RestoreState(tensors, metadata, "replay.");
        b.CurrentUpdate = a.CurrentUpdate;
        Assert.Equal(a.Stats(), b.Stats());
        var sa = new ReplaySample(a.Columns, 32);
        var sb = new ReplaySample(b.Columns, 32);
        a.Sample(sa, new Generator(9), 1_000_020);
        b.Sample(sb, new Generator(9), 1_000_020);
        Assert.Equal(sa.Column("action").ToArray(), sb.Column("action").ToArray());
        Assert.Equal(sa.Column("obs").ToArray(), sb.Column("obs").ToArray());
        Assert.Equal(sa.Weights, sb.Weights);
        Assert.Equal(sa.PolicyLag, sb.PolicyLag);
        Assert.Equal(sa.Age, sb.Age);

        var other = new ReplayBuffer(options, [new("obs", 3), new("action", 1)]);
        var ex = Assert.Throws<InvalidDataException>(() => other.RestoreState(tensors, metadata, "replay."));
        Assert.Contains("laid out as obs:2,action:1", ex.Message, StringComparison.Ordinal);
    }
}

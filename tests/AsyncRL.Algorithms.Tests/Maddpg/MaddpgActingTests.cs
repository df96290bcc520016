using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Tests.Maddpg;

public sealed class MaddpgActingTests
{
    [Fact]
    public void Greedy_EachAgentActsOnItsOwnObservationOnly()
    {
        var spec = EnvRegistry.MultiAgentSpecOf("simple_tag");
        var actors = new MaddpgActors(spec, [16], new Generator(3));
        var policy = new MaddpgActingPolicy(actors, 2);
        var rng = new Generator(4);
        var obs = Enumerable.Range(0, 2 * spec.JointObservationSize).Select(_ => rng.NextUniform(-2, 2)).ToArray();
        var actions = new int[2 * 4];
        policy.Greedy(obs, 2, actions);
        for (int e = 0; e < 2; e++)
            for (int i = 0; i < 4; i++)
            {
                var logits = actors.Agent(i).Forward(new Tensor(obs.AsSpan(e * spec.JointObservationSize + spec.ObservationOffset(i), spec.ObservationSizes[i]).ToArray(), 1, spec.ObservationSizes[i]));
                Assert.Equal(logits.ArgMax(-1)[0], actions[e * 4 + i]);
            }
        // Scrambling the other agents' observations leaves agent 3's choice alone.
        var scrambled = (float[])obs.Clone();
        for (int k = 0; k < spec.ObservationOffset(3); k++) scrambled[k] = -scrambled[k] * 3;
        var again = new int[8];
        policy.Greedy(scrambled, 2, again);
        Assert.Equal(actions[3], again[3]);
    }

    [Fact]
    public void Act_SamplesFromTheSoftmax()
    {
        var spec = EnvRegistry.MultiAgentSpecOf("simple_spread");
        var actors = new MaddpgActors(spec, [4], new Generator(3));
        // Agent 0's last layer: zero weights, bias favouring action 2 (p = e²/(e² + 4) ≈ 0.65).
        var last = (AsyncRL.Models.Nn.Linear)actors.Agent(0).Layers[^1];
        last.Weight.Data.Clear();
        last.Bias!.Data.Clear();
        last.Bias.Data[2] = 2f;
        var policy = new MaddpgActingPolicy(actors, 1);
        var rng = new Generator(9);
        var obs = new float[spec.JointObservationSize];
        var actions = new int[3];
        int twos = 0;
        const int draws = 4000;
        for (int k = 0; k < draws; k++)
        {
            policy.Act(obs, 1, rng, actions);
            if (actions[0] == 2) twos++;
        }
        double p = Math.Exp(2) / (Math.Exp(2) + 4);
        Assert.InRange(twos / (double)draws, p - 0.03, p + 0.03);
    }

    [Fact]
    public void Collector_RecordsJointTransitions_AndBootstrapsThroughTheTimeLimit()
    {
        var spec = EnvRegistry.MultiAgentSpecOf("simple_spread");
        var env = EnvRegistry.CreateMultiAgentVector("simple_spread", null, 2, 5);
        var collector = new MaddpgCollector(env, new MaddpgActingPolicy(new MaddpgActors(spec, [8], new Generator(1)), 2), new Generator(2), steps: 30);
        var t = collector.Collect(policyVersion: 6);
        int j = spec.JointObservationSize;
        Assert.Equal(60, t.Rows);
        Assert.All(t.PolicyVersions, v => Assert.Equal(6, v));
        Assert.All(t.Dones, d => Assert.Equal(0f, d)); // MPE episodes never terminate; the limit only cuts them
        for (int row = 0; row < t.Rows; row++)
        {
            // Each agent's next position is its position plus its next velocity times dt.
            for (int i = 0; i < 3; i++)
            {
                int off = row * j + spec.ObservationOffset(i);
                Assert.True(Math.Abs(t.Observations[off + 2] + 0.1f * t.NextObservations[off] - t.NextObservations[off + 2]) < 1e-5, $"row {row} agent {i}");
            }
            // Consecutive steps of one environment chain up, except across the reset after step 25.
            int step = row / 2;
            if (step + 1 < 30 && step != 24)
                Assert.Equal(t.NextObservations.AsSpan(row * j, j).ToArray(), t.Observations.AsSpan((row + 2) * j, j).ToArray());
        }
        Assert.NotEqual(t.NextObservations.AsSpan(48 * j, j).ToArray(), t.Observations.AsSpan(50 * j, j).ToArray());
        Assert.All(t.Rewards.Chunk(3), r => Assert.True(r[0] == r[1] && r[1] == r[2])); // the shared reward
    }
}

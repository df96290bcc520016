using AsyncRL.Algorithms.Dqn;
using AsyncRL.Algorithms.Her;
using AsyncRL.Algorithms.Language;
using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Environments;
using AsyncRL.Environments.Language;
using AsyncRL.Models.Engine;
using AsyncRL.Models.Nn;
using AsyncRL.Tests.Support;
using Xunit.Abstractions;

namespace AsyncRL.Algorithms.Tests.Engines;

/// <summary>
/// Every torch update path run calm, then three times at once while another thread forces collections and finalizers
/// without pause. A TorchSharp <c>Scalar</c> or tensor wrapper left unreachable during a native call may then be freed
/// under libtorch's feet: the run throws ("Unknown scalar type."), dies, or drifts from the calm one. That race is
/// rare per call, so the test also counts the TorchSharp objects the updates leave to the finalizer, which must be none.
/// </summary>
[Collection(TorchStressCollection.Name)]
public sealed class TorchLifetimeStressTests(ITestOutputHelper output)
{
    // Several runs at once under the GC thread: more threads than cores, so a run is often descheduled inside a native call.
    private const int Runs = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData("ppo")]
    [InlineData("dqn")]
    [InlineData("her")]
    [InlineData("maddpg")]
    [InlineData("language")]
    public async Task Updates_WhileFinalizersRun_FiniteAndSameAsCalm(string path)
    {
        Func<Session> start = path switch
        {
            "ppo" => () => Ppo(updates: 6),
            "dqn" => () => Dqn(updates: 60),
            "her" => () => Her(updates: 40),
            "maddpg" => () => Maddpg(updates: 12),
            _ => () => Language(steps: 4),
        };
        var sw = System.Diagnostics.Stopwatch.StartNew();
        List<float> calm;
        using (var session = start()) calm = session.Run();
        double calmSeconds = sw.Elapsed.TotalSeconds;

        // Built first and disposed after the count: only what the updates drop is counted.
        var sessions = Enumerable.Range(0, Runs).Select(_ => start()).ToArray();
        List<float>[] stressed;
        long collections;
        using var finalizations = new TorchFinalizations();
        try
        {
            finalizations.Flush(); // the calm run's garbage is not counted
            finalizations.Clear();
            using (var hammer = GcHammer.Start())
            {
                var runs = sessions.Select(s => Task.Factory.StartNew(s.Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
                stressed = await Task.WhenAll(runs).WaitAsync(Timeout);
                collections = hammer.Collections;
            }
            finalizations.Flush();
        }
        finally
        {
            foreach (var s in sessions) s.Dispose();
        }
        var finalized = string.Join(", ", finalizations.Counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} ×{kv.Value}"));
        output.WriteLine($"{path}: {calm.Count} values; calm run {calmSeconds:F1} s, {Runs} runs under {collections} forced collections {sw.Elapsed.TotalSeconds - calmSeconds:F1} s; finalized: [{finalized}]");

        Assert.True(collections > 1, "the GC thread forced no collection during the runs");
        Assert.All(calm, (v, i) => Assert.True(float.IsFinite(v), $"{path}: calm value {i} is {v}"));
        foreach (var values in stressed)
        {
            Assert.Equal(calm.Count, values.Count);
            for (int i = 0; i < calm.Count; i++)
                Assert.True(BitConverter.SingleToInt32Bits(calm[i]) == BitConverter.SingleToInt32Bits(values[i]), $"{path}: value {i}: calm {calm[i]}, under GC {values[i]}");
        }
        // What reached a finalizer was unreachable before anyone disposed it: under the GC thread, a native call using it may have lost it.
        Assert.True(finalizations.Counts.Count == 0, $"{path}: TorchSharp objects left to the finalizer by the updates: {finalized}");
    }

    /// <summary>A learner built and ready; <see cref="Run"/> makes its updates and returns what they gave and the final weights.</summary>
    private sealed record Session(IDisposable Owner, Func<List<float>> Run) : IDisposable
    {
        public void Dispose() => Owner.Dispose();
    }

    private static void AddWeights(List<float> into, params Module[] modules)
    {
        foreach (var m in modules)
            foreach (var (_, p) in m.NamedParameters().OrderBy(p => p.Key, StringComparer.Ordinal)) into.AddRange(p.Data.ToArray());
    }

    private static Session Ppo(int updates)
    {
        var options = new PpoOptions { RolloutLength = 16, RowsPerUpdate = 64, Epochs = 2, Minibatches = 2, Hidden = [16, 16], AnnealLearningRate = false, LearningRate = 1e-2f, Engine = ModelEngine.TorchCpu };
        var behaviour = new ActorCritic(4, 2, options.Hidden, new Generator(5));
        var collector = new PpoRolloutCollector(EnvRegistry.CreateVector("cartpole", 4, 5), new PpoActingPolicy(behaviour, 4), new Generator(6), options.RolloutLength);
        var fragments = new[] { collector.Collect(0), collector.Collect(0) };
        var learner = new PpoLearner(new ActorCritic(4, 2, options.Hidden, new Generator(1)), options, new Generator(2));
        return new Session(learner, () =>
        {
            var values = new List<float>();
            for (int i = 0; i < updates; i++)
            {
                var u = learner.Update([fragments[i % 2]], i);
                values.AddRange([u.Loss, u.GradNorm, u.ApproxKl, u.ExplainedVariance]);
            }
            AddWeights(values, learner.Model);
            return values;
        });
    }

    private static Session Dqn(int updates)
    {
        const int b = 32;
        var options = new DqnOptions { Engine = ModelEngine.TorchCpu, Hidden = [16, 16], TargetTau = 0.05f, LearningRate = 1e-2f };
        var learner = new DqnLearner(new QNetwork(4, 2, options.Hidden, new Generator(1)), options);
        return new Session(learner, () =>
        {
            var rng = new Generator(7);
            float[] U(int n, float lo, float hi) => Tensor.Uniform(rng, lo, hi, n).ToArray();
            var values = new List<float>();
            for (int i = 0; i < updates; i++)
            {
                var u = learner.Update(U(b * 4, -1, 1), [.. Enumerable.Range(0, b).Select(r => (r + i) % 2)], U(b, -1, 3), U(b * 4, -1, 1),
                    [.. Enumerable.Range(0, b).Select(r => r % 5 == 0 ? 0f : 0.97f)], U(b, 0.5f, 1));
                values.AddRange([u.Loss, u.GradNorm, u.QMean, .. learner.TdErrors]);
            }
            AddWeights(values, learner.Online, learner.Target);
            return values;
        });
    }

    private static Session Her(int updates)
    {
        var args = new Dictionary<string, string> { ["n"] = "6" };
        var spec = EnvRegistry.SpecOf("bitflip", args);
        var options = new HerOptions { Dqn = new HerOptions().Dqn with { Hidden = [32], BatchSize = 32, MinReplaySize = 64, TargetUpdateEvery = 10, Engine = ModelEngine.TorchCpu } };
        var learner = new HerLearnerAlgorithm(options, spec, args, seed: 1);
        var dqn = learner.Learner;
        // Episodes from a fixed acting network: every run sees the same data whatever its learner does.
        var acting = new QNetwork(spec.ObservationSize, spec.ActionCount, options.Dqn.Hidden, new Generator(2));
        var collector = new HerCollector(EnvRegistry.CreateVector("bitflip", args, 4, 3), new DqnActingPolicy(acting, 4), new Generator(4), 16, [0.5f, 0.5f, 0.5f, 0.5f]);
        return new Session(dqn, () =>
        {
            var values = new List<float>();
            ulong seq = 0;
            while (dqn.Updates < updates)
            {
                var (episodes, taken) = collector.Collect(0);
                learner.Ingest(new LearnerBatch("t/0", ++seq, 0, 0, taken, default, learner.Decode(HerWire.ToBatch(episodes, "t/0", taken))));
                while (learner.ReadyToUpdate && dqn.Updates < updates)
                {
                    var u = learner.Update(dqn.Updates);
                    values.AddRange([(float)u.Metrics["loss"], (float)u.Metrics["grad_norm"], (float)u.Metrics["q_mean"]]);
                }
            }
            AddWeights(values, dqn.Online, dqn.Target);
            return values;
        });
    }

    private static Session Maddpg(int updates)
    {
        const int b = 16;
        var spec = EnvRegistry.MultiAgentSpecOf("simple_adversary");
        var options = new MaddpgOptions { Hidden = [16, 16], Engine = ModelEngine.TorchCpu };
        var init = new Generator(3);
        var learner = new MaddpgLearner(new MaddpgActors(spec, options.Hidden, init), new MaddpgCritics(spec, options.Hidden, init), options, new Generator(9));
        return new Session(learner, () =>
        {
            var rng = new Generator(11);
            int n = spec.AgentCount, j = spec.JointObservationSize;
            float[] U(int count, float lo, float hi) => Tensor.Uniform(rng, lo, hi, count).ToArray();
            var values = new List<float>();
            for (int i = 0; i < updates; i++)
            {
                var batch = new MaddpgBatch(U(b * j, -1, 1), [.. Enumerable.Range(0, b * n).Select(r => (float)((r + i) % spec.ActionCount))], U(b * n, -1, 0),
                    U(b * j, -1, 1), [.. Enumerable.Range(0, b).Select(r => r % 7 == 0 ? 1f : 0f)], [.. Enumerable.Range(0, b).Select(r => r % 5 == 0 ? 0f : 1f)]);
                var s = learner.Update(batch);
                values.AddRange([.. s.CriticLoss, .. s.ActorLoss, .. s.QMean, .. s.CriticGradNorm, .. s.ActorGradNorm]);
            }
            learner.SyncHost();
            AddWeights(values, learner.Actors, learner.Critics, learner.TargetActors, learner.TargetCritics);
            return values;
        });
    }

    // The engine seam directly: a policy with a value model (AdamW, a temperature) and a reward model, fed fixed upstream gradients.
    private static Session Language(int steps)
    {
        var task = new ArithTask(1);
        var config = new LanguageModelOptions(Dim: 16, Layers: 1, Heads: 2).ConfigFor(task);
        var rows = SequenceRows.Of(new BatchGenerator(task, new TinyGpt(config, new Generator(3)), 8, 2, 0.7f, new Generator(4)).Next(0));
        var settings = new LanguageEngineSettings(1e-3f, WeightDecay: 0.01f, MaxGradNorm: 1f);
        var policy = LanguageEngines.Create(ModelEngine.TorchCpu, new TinyGpt(config, new Generator(5)), new TinyGpt(config with { ScalarHead = true }, new Generator(6)), settings);
        var reward = LanguageEngines.Create(ModelEngine.TorchCpu, new TinyGpt(config with { ScalarHead = true }, new Generator(7)), null, settings);
        return new Session(new Both(policy, reward), () =>
        {
            var rng = new Generator(8);
            float[] U(int count) => Tensor.Uniform(rng, -1, 1, count).ToArray();
            var values = new List<float>();
            for (int s = 0; s < steps; s++)
            {
                using (var pass = policy.Forward(rows, 0.7f))
                {
                    values.AddRange([.. pass.LogProbs, .. pass.Scalars!]);
                    values.Add(policy.Step(pass, U(pass.LogProbs.Length), U(pass.Scalars!.Length)).GradNorm);
                }
                using (var pass = reward.Rewards(rows))
                {
                    values.AddRange(pass.Scalars!);
                    values.Add(reward.Step(pass, [], U(pass.Scalars!.Length)).GradNorm);
                }
            }
            policy.PushToHost();
            reward.PushToHost();
            AddWeights(values, policy.Model, policy.ValueModel!, reward.Model);
            return values;
        });
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}

/// <summary>The stress tests run alone: their collections would slow every test beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchStressCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "torch under forced collections, alone";
}

using AsyncRL.Algorithms.Dqn;
using AsyncRL.Algorithms.Maddpg;
using AsyncRL.Algorithms.Ppo;
using AsyncRL.Environments;
using AsyncRL.Models;
using AsyncRL.Models.Backend;
using AsyncRL.Models.Engine;
using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;
using AsyncRL.Models.Torch;
using TorchSharp;

namespace AsyncRL.Benchmarks.Models;

/// <summary>
/// Our engine against TorchSharp (libtorch CPU) in one run with the same thread count (<c>ASYNCRL_BLAS_THREADS</c>,
/// default 1 as <c>train</c> runs the learner): the paths the defaults are chosen by (README, "Which engine runs where").
/// </summary>
public sealed class EnginesQuickBenchmark : IQuickBenchmark
{
    private static readonly int[] Sizes = [4, 64, 64, 2];

    /// <inheritdoc/>
    public string Name => "engines";

    /// <inheritdoc/>
    public void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int threads = Environment.GetEnvironmentVariable("ASYNCRL_BLAS_THREADS") is { Length: > 0 } t ? int.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : 1;
        Gemm.SetThreads(threads);
        TorchRuntime.SetThreads(threads);
        output.WriteLine($"threads {threads} (managed GEMM: {Gemm.BackendName}; torch: {torch.get_num_threads()} intra-op), median of 7 rounds");
        output.WriteLine($"| path | managed | torch | torch / managed |");
        output.WriteLine($"|---|---:|---:|---:|");
        Row(output, "MLP 4-64-64-2 forward, 1 observation (µs)", 1e6, ManagedForward(), TorchForward());
        Row(output, "MLP 4-64-64-2 train step, batch 128 (µs)", 1e6, ManagedTrainStep(), TorchTrainStep());
        Row(output, "PPO CartPole update, 512 rows, 4 epochs × 4 minibatches (ms)", 1e3, PpoUpdate(ModelEngine.Managed), PpoUpdate(ModelEngine.TorchCpu));
        Row(output, "DQN update, batch 128 (µs)", 1e6, DqnUpdate(ModelEngine.Managed), DqnUpdate(ModelEngine.TorchCpu));
        Row(output, "MADDPG simple_spread update, batch 256, 3 agents (ms)", 1e3, MaddpgUpdate(ModelEngine.Managed), MaddpgUpdate(ModelEngine.TorchCpu));
        foreach (int dim in new[] { 64, 256 })
        {
            var (managedStep, torchStep) = TinyGptEngineRows.TrainStep(dim);
            Row(output, $"TinyGpt d={dim} train step, 64 × 11 tokens (ms)", 1e3, managedStep, torchStep);
            var (managedRate, torchRate) = TinyGptEngineRows.GenerationTokensPerSecond(dim);
            // a rate: higher is better, so the last column is ours / torch's
            output.WriteLine($"| TinyGpt d={dim} generation, batch 64, KV cache (tokens/s) | {managedRate:N0} | {torchRate:N0} | {managedRate / torchRate:F2}× |");
        }
        foreach (var algorithm in new[] { "dpo", "ppo-lm" })
        {
            var (managedUpdate, torchUpdate) = LanguageEngineRows.Update(algorithm);
            Row(output, $"{algorithm} learner update, 64 arith completions, d=64 (ms)", 1e3, managedUpdate, torchUpdate);
        }
    }

    private static double MaddpgUpdate(ModelEngine engine)
    {
        const int b = 256;
        var spec = EnvRegistry.MultiAgentSpecOf("simple_spread");
        var options = new MaddpgOptions { BatchSize = b, Engine = engine };
        var rng = new Generator(5);
        int n = spec.AgentCount, j = spec.JointObservationSize;
        float[] Floats(int count, float lo, float hi) => Tensor.Uniform(rng, lo, hi, count).ToArray();
        var batch = new MaddpgBatch(Floats(b * j, -1, 1), [.. Enumerable.Range(0, b * n).Select(i => (float)(i % spec.ActionCount))], Floats(b * n, -1, 0),
            Floats(b * j, -1, 1), new float[b], [.. Enumerable.Repeat(1f, b)]);
        var init = new Generator(1);
        using var learner = new MaddpgLearner(new MaddpgActors(spec, options.Hidden, init), new MaddpgCritics(spec, options.Hidden, init), options, new Generator(2));
        var (seconds, _) = QuickTimer.Measure(() => learner.Update(batch), budgetSeconds: 3);
        return seconds;
    }

    private static void Row(TextWriter output, string label, double scale, double managed, double torchSeconds) =>
        output.WriteLine($"| {label} | {managed * scale:F2} | {torchSeconds * scale:F2} | {torchSeconds / managed:F2}× |");

    private static double ManagedForward()
    {
        var inference = new MlpInference(Mlp.Create(Sizes, ActivationKind.Tanh, new Generator(1)), maxBatch: 1);
        float[] obs = [0.01f, -0.02f, 0.03f, 0.04f];
        float sink = 0;
        var (seconds, _) = QuickTimer.Measure(() => sink += inference.Forward(obs)[0]);
        GC.KeepAlive(sink);
        return seconds;
    }

    private static double TorchForward()
    {
        var host = Mlp.Create(Sizes, ActivationKind.Tanh, new Generator(1));
        using var net = new TorchNetwork(TorchMlp.Create(Sizes, ActivationKind.Tanh), host, torch.CPU);
        float[] obs = [0.01f, -0.02f, 0.03f, 0.04f];
        var result = new float[2];
        var (seconds, _) = QuickTimer.Measure(() =>
        {
            using var _ = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            TorchNetwork.CopyOut(net.Forward(torch.tensor(obs, [1, 4])), result);
        });
        return seconds;
    }

    private static double ManagedTrainStep()
    {
        var rng = new Generator(1);
        var mlp = Mlp.Create(Sizes, ActivationKind.Tanh, rng);
        var x = Tensor.Uniform(rng, -1, 1, 128, 4);
        var y = Tensor.Uniform(rng, -1, 1, 128, 2);
        var opt = new Adam(mlp.Parameters(), 1e-4f);
        var (seconds, _) = QuickTimer.Measure(() =>
        {
            using var scope = AsyncRL.Models.DisposeScope.Begin();
            var loss = Losses.MseLoss(mlp.Forward(x), y);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        });
        return seconds;
    }

    private static double TorchTrainStep()
    {
        var rng = new Generator(1);
        var host = Mlp.Create(Sizes, ActivationKind.Tanh, rng);
        using var net = new TorchNetwork(TorchMlp.Create(Sizes, ActivationKind.Tanh), host, torch.CPU);
        using var x = torch.tensor(Tensor.Uniform(rng, -1, 1, 128, 4).ToArray(), [128, 4]);
        using var y = torch.tensor(Tensor.Uniform(rng, -1, 1, 128, 2).ToArray(), [128, 2]);
        using var opt = new TorchAdam(net.Parameters, 1e-4f);
        var (seconds, _) = QuickTimer.Measure(() =>
        {
            using var scope = torch.NewDisposeScope();
            var loss = torch.nn.functional.mse_loss(net.Forward(x), y);
            opt.ZeroGrad();
            loss.backward();
            opt.Step();
        });
        return seconds;
    }

    private static double PpoUpdate(ModelEngine engine)
    {
        const int envs = 8, steps = 32;
        var options = new PpoOptions { AnnealLearningRate = false, RolloutLength = steps, RowsPerUpdate = 512, Epochs = 4, Minibatches = 4, Engine = engine };
        var rng = new Generator(7);
        var behaviour = new ActorCritic(4, 2, options.Hidden, rng);
        var collector = new PpoRolloutCollector(EnvRegistry.CreateVector("cartpole", envs, 3), new PpoActingPolicy(behaviour, envs), rng.Fork(), steps);
        PpoFragment[] fragments = [collector.Collect(0), collector.Collect(0)];
        using var learner = new PpoLearner(new ActorCritic(4, 2, options.Hidden, new Generator(1)), options, new Generator(2));
        var (seconds, _) = QuickTimer.Measure(() => learner.Update(fragments, 0), budgetSeconds: 3);
        return seconds;
    }

    private static double DqnUpdate(ModelEngine engine)
    {
        const int b = 128;
        var options = new DqnOptions { BatchSize = b, Engine = engine };
        var rng = new Generator(5);
        float[] Floats(int n, float lo, float hi) => Tensor.Uniform(rng, lo, hi, n).ToArray();
        var obs = Floats(b * 4, -1, 1);
        var next = Floats(b * 4, -1, 1);
        var returns = Floats(b, 0, 3);
        var discounts = Enumerable.Repeat(0.97f, b).ToArray();
        var weights = Enumerable.Repeat(1f, b).ToArray();
        var actions = Enumerable.Range(0, b).Select(i => i % 2).ToArray();
        using var learner = new DqnLearner(new QNetwork(4, 2, options.Hidden, new Generator(1)), options);
        var (seconds, _) = QuickTimer.Measure(() => learner.Update(obs, actions, returns, next, discounts, weights), budgetSeconds: 2);
        return seconds;
    }
}

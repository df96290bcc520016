using AsyncRL.Models.Backend;
using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;
using AsyncRL.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AsyncRL.Algorithms.Maddpg;

// Inside the namespace, so it wins over AsyncRL.Models.Tensor.
using TorchTensor = TorchSharp.torch.Tensor;
using Generator = AsyncRL.Models.Generator;

/// <summary>
/// <see cref="MaddpgLearner"/>'s update on libtorch: the same steps in the same order (so the same draws from the
/// learner's generator: target actions, then each agent's Gumbel noise), each network paired by name with its host
/// twin. The host actors are refreshed after every update (they are published); critics and targets on demand.
/// </summary>
internal sealed class TorchMaddpgNetworks : IDisposable
{
    private readonly MaddpgOptions _options;
    private readonly Environments.MultiAgentEnvSpec _spec;
    private readonly Device _device;
    private readonly TorchNetwork[] _actors, _critics, _targetActors, _targetCritics;
    private readonly TorchAdam[] _actorAdam, _criticAdam;
    private readonly TorchScalars _scalars = new();
    private readonly Scalar _temperature, _logitRegularization;

    public TorchMaddpgNetworks(MaddpgActors actors, MaddpgCritics critics, MaddpgActors targetActors, MaddpgCritics targetCritics, MaddpgOptions options)
    {
        (_options, _spec) = (options, actors.Spec);
        _device = TorchRuntime.Resolve(options.Engine.Device);
        TorchRuntime.SetThreads(Gemm.Threads);
        TorchNetwork[] Pair(AgentMlps host, Func<int, int> input, int output) =>
            [.. Enumerable.Range(0, host.AgentCount).Select(i => new TorchNetwork(TorchMlp.Create([input(i), .. host.Hidden, output], ActivationKind.Relu), host.Agent(i), _device))];
        _actors = Pair(actors, i => _spec.ObservationSizes[i], _spec.ActionCount);
        _targetActors = Pair(targetActors, i => _spec.ObservationSizes[i], _spec.ActionCount);
        _critics = Pair(critics, _ => critics.InputSize, 1);
        _targetCritics = Pair(targetCritics, _ => critics.InputSize, 1);
        _actorAdam = [.. _actors.Select(n => new TorchAdam(n.Parameters, options.LearningRate))];
        _criticAdam = [.. _critics.Select(n => new TorchAdam(n.Parameters, options.LearningRate))];
        (_temperature, _logitRegularization) = (_scalars.Of(options.GumbelTemperature), _scalars.Of(options.LogitRegularization));
    }

    public IReadOnlyList<IOptimizerState> ActorOptimizers => _actorAdam;

    public IReadOnlyList<IOptimizerState> CriticOptimizers => _criticAdam;

    /// <summary>One update of every agent's critic and actor, then the targets; <paramref name="oneHot"/> holds the replayed actions.</summary>
    public MaddpgUpdateStats Update(MaddpgBatch batch, float[] oneHot, float[] nextOneHot, float[] column, float norm, Generator rng)
    {
        int n = _spec.AgentCount, a = _spec.ActionCount, j = _spec.JointObservationSize, b = batch.Rows;
        var stats = new MaddpgUpdateStats(n);
        using var scope = NewDisposeScope();
        using Scalar scale = norm, negatedScale = -norm; // held until the last call of this update reads them
        var obs = Input(batch.Observations, b, j);
        var actions = Input(oneHot, b, n * a);
        var weights = Input(batch.Weights, b, 1);
        var criticInput = cat([obs, actions], 1);
        var targets = Targets(batch, Input(batch.NextObservations, b, j), nextOneHot, column, rng);
        for (int i = 0; i < n; i++)
        {
            stats.TargetMean[i] = targets[i].Host.Sum() / b;
            var q = _critics[i].Forward(criticInput);
            var d = q - targets[i].Tensor;
            var criticLoss = (d * d * weights).sum().mul(scale);
            _criticAdam[i].ZeroGrad();
            criticLoss.backward();
            stats.CriticGradNorm[i] = ClipEach(_critics[i]);
            _criticAdam[i].Step();
            stats.CriticLoss[i] = criticLoss.item<float>();
            stats.QMean[i] = q.mean().item<float>();
            UpdateActor(i, obs, actions, weights, negatedScale, rng, stats);
        }
        for (int i = 0; i < n; i++)
        {
            _targetActors[i].PolyakFrom(_actors[i], _options.Tau);
            _targetCritics[i].PolyakFrom(_critics[i], _options.Tau);
        }
        return stats;
    }

    private void UpdateActor(int i, TorchTensor obs, TorchTensor actions, TorchTensor weights, Scalar negatedScale, Generator rng, MaddpgUpdateStats stats)
    {
        int n = _spec.AgentCount, a = _spec.ActionCount;
        var logits = _actors[i].Forward(obs.narrow(1, _spec.ObservationOffset(i), _spec.ObservationSizes[i]));
        var hostLogits = new float[logits.NumberOfElements];
        TorchNetwork.CopyOut(logits.detach(), hostLogits);
        // Gumbel noise from the learner's generator, drawn as GumbelSoftmax.Sample draws it, so both engines agree.
        var noise = new float[hostLogits.Length];
        for (int k = 0; k < noise.Length; k++) noise[k] = -MathF.Log(-MathF.Log(1f - rng.NextFloat() * (1f - 1e-7f)) + 1e-20f);
        var soft = logits.Plus(Input(noise, hostLogits.Length / a, a)).div(_temperature).softmax(-1);
        var hard = nn.functional.one_hot(soft.argmax(-1), a).to(ScalarType.Float32);
        var own = (hard - soft.detach()).Plus(soft); // straight-through: one-hot forward, soft gradient
        var parts = new List<TorchTensor>(4) { obs };
        if (i > 0) parts.Add(actions.narrow(1, 0, i * a));
        parts.Add(own);
        if (i < n - 1) parts.Add(actions.narrow(1, (i + 1) * a, (n - 1 - i) * a));
        // The critic is only a path for the gradient here: its weights need none.
        foreach (var p in _critics[i].Parameters) p.requires_grad_(false);
        TorchTensor loss;
        try
        {
            var q = _critics[i].Forward(cat(parts, 1));
            loss = (q * weights).sum().mul(negatedScale).Plus((logits * logits).mean().mul(_logitRegularization));
            _actorAdam[i].ZeroGrad();
            loss.backward();
        }
        finally
        {
            foreach (var p in _critics[i].Parameters) p.requires_grad_(true);
        }
        stats.ActorGradNorm[i] = ClipEach(_actors[i]);
        _actorAdam[i].Step();
        stats.ActorLoss[i] = loss.item<float>();
        stats.Entropy[i] = MaddpgMath.MeanEntropy(hostLogits, a);
    }

    // yᵢ for every agent: target actions drawn (on the host, from the learner's generator) from μ′, then each Qᵢ′.
    private (TorchTensor Tensor, float[] Host)[] Targets(MaddpgBatch batch, TorchTensor next, float[] nextOneHot, float[] column, Generator rng)
    {
        int n = _spec.AgentCount, a = _spec.ActionCount, b = batch.Rows;
        using var _ = no_grad();
        for (int k = 0; k < n; k++)
        {
            var logits = new float[b * a];
            TorchNetwork.CopyOut(_targetActors[k].Forward(next.narrow(1, _spec.ObservationOffset(k), _spec.ObservationSizes[k])), logits);
            MaddpgMath.SampleOneHot(logits, k, n, a, rng, nextOneHot);
        }
        var input = cat([next, Input(nextOneHot, b, n * a)], 1);
        var y = new (TorchTensor, float[])[n];
        var nextQ = new float[b];
        for (int i = 0; i < n; i++)
        {
            TorchNetwork.CopyOut(_targetCritics[i].Forward(input), nextQ);
            for (int r = 0; r < b; r++) column[r] = batch.Rewards[r * n + i];
            var host = new float[b];
            MaddpgMath.Targets(column, batch.Dones, nextQ, _options.Gamma, host);
            y[i] = (Input(host, b, 1), host);
        }
        return y;
    }

    // Clips each gradient tensor to the norm bound on its own (as the reference does); returns the global norm before clipping.
    private float ClipEach(TorchNetwork network)
    {
        double sum = 0;
        foreach (var p in network.Parameters)
        {
            double norm = nn.utils.clip_grad_norm_([p], _options.MaxGradNorm);
            sum += norm * norm;
        }
        return (float)Math.Sqrt(sum);
    }

    /// <summary>Torch → host: the actors always, the critics and targets too when <paramref name="all"/>.</summary>
    public void PushToHost(bool all)
    {
        foreach (var net in all ? _actors.Concat(_critics).Concat(_targetActors).Concat(_targetCritics) : _actors) net.PushToHost();
    }

    /// <summary>Host → torch, after a checkpoint restore.</summary>
    public void PullFromHost()
    {
        foreach (var net in _actors.Concat(_critics).Concat(_targetActors).Concat(_targetCritics)) net.PullFromHost();
    }

    public void Dispose()
    {
        foreach (var adam in _actorAdam.Concat(_criticAdam)) adam.Dispose();
        foreach (var net in _actors.Concat(_critics).Concat(_targetActors).Concat(_targetCritics)) net.Dispose();
        _scalars.Dispose();
    }

    private TorchTensor Input(float[] data, int rows, int columns) => tensor(data, [rows, columns], device: _device);
}

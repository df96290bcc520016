using AsyncRL.Environments;
using AsyncRL.Models.Distributions;
using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>
/// MADDPG's learner step (Lowe et al. 2017, Algorithm 1) on one sampled batch shared by all agents. Target actions
/// a′ₖ are drawn once from every target policy; then for each agent i the centralised critic Qᵢ regresses on
/// yᵢ = rᵢ + γ(1 − d)Qᵢ′(x′, a′), and the actor μᵢ ascends Qᵢ(x, a₁ … μᵢ(oᵢ) … a_N) with its own action replaced by a
/// straight-through Gumbel-softmax sample (one-hot forward, soft gradient), the other agents' from replay; last,
/// every target network moves by Polyak averaging. Each agent has its own Adam for actor and critic, and every
/// gradient tensor is clipped on its own (as the reference does).
/// </summary>
public sealed class MaddpgLearner : IDisposable
{
    private readonly MaddpgOptions _options;
    private readonly MultiAgentEnvSpec _spec;
    private readonly Generator _rng;
    private readonly Tensor[][] _actorParams;
    private readonly Tensor[][] _criticParams;
    private readonly Adam[] _actorAdam = [];
    private readonly Adam[] _criticAdam = [];
    private readonly TorchMaddpgNetworks? _torch;
    private float[] _oneHot = [], _nextOneHot = [], _column = [];

    /// <summary>A learner around <paramref name="actors"/> and <paramref name="critics"/>; it owns their targets and optimizers.</summary>
    /// <param name="rng">Draws the Gumbel noise and target actions (the caller checkpoints it).</param>
    public MaddpgLearner(MaddpgActors actors, MaddpgCritics critics, MaddpgOptions options, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(actors);
        ArgumentNullException.ThrowIfNull(critics);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (Actors, Critics, _options, _spec) = (actors, critics, options, actors.Spec);
        _rng = rng ?? throw new ArgumentNullException(nameof(rng));
        TargetActors = actors.Clone();
        TargetCritics = critics.Clone();
        TargetActors.Eval();
        TargetCritics.Eval();
        int n = _spec.AgentCount;
        _actorParams = [.. Enumerable.Range(0, n).Select(i => actors.Agent(i).Parameters().ToArray())];
        _criticParams = [.. Enumerable.Range(0, n).Select(i => critics.Agent(i).Parameters().ToArray())];
        if (options.Engine.Backend == AsyncRL.Models.Engine.ModelBackend.Torch)
        {
            _torch = new TorchMaddpgNetworks(actors, critics, TargetActors, TargetCritics, options);
            (ActorOptimizers, CriticOptimizers) = (_torch.ActorOptimizers, _torch.CriticOptimizers);
            return;
        }
        _actorAdam = [.. _actorParams.Select(p => new Adam(p, options.LearningRate))];
        _criticAdam = [.. _criticParams.Select(p => new Adam(p, options.LearningRate))];
        (ActorOptimizers, CriticOptimizers) = (_actorAdam, _criticAdam);
    }

    /// <summary>The policies (published to actors).</summary>
    public MaddpgActors Actors { get; }

    /// <summary>The centralised critics.</summary>
    public MaddpgCritics Critics { get; }

    /// <summary>μ′.</summary>
    public MaddpgActors TargetActors { get; }

    /// <summary>Q′.</summary>
    public MaddpgCritics TargetCritics { get; }

    /// <summary>Each agent's actor optimizer (state for checkpoints, either engine).</summary>
    public IReadOnlyList<IOptimizerState> ActorOptimizers { get; }

    /// <summary>Each agent's critic optimizer.</summary>
    public IReadOnlyList<IOptimizerState> CriticOptimizers { get; }

    /// <summary>Brings every host network up to date (before a checkpoint); the actors are after every update.</summary>
    public void SyncHost() => _torch?.PushToHost(all: true);

    /// <summary>Takes the host networks into the engine (after a checkpoint restore).</summary>
    public void PullFromHost() => _torch?.PullFromHost();

    /// <inheritdoc />
    public void Dispose() => _torch?.Dispose();

    /// <summary>Updates applied.</summary>
    public long Updates { get; private set; }

    /// <summary>Restores the update counter after a checkpoint restore.</summary>
    public void RestoreUpdateCount(long updates) => Updates = updates;

    /// <summary>One update of every agent's critic and actor, then the targets.</summary>
    public MaddpgUpdateStats Update(MaddpgBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int n = _spec.AgentCount, a = _spec.ActionCount, j = _spec.JointObservationSize, b = batch.Rows;
        batch.Validate(j, n);
        if (_oneHot.Length != b * n * a) (_oneHot, _nextOneHot, _column) = (new float[b * n * a], new float[b * n * a], new float[b]);
        var stats = new MaddpgUpdateStats(n);
        float weightSum = 0;
        foreach (var w in batch.Weights) weightSum += w;
        float norm = 1f / Math.Max(weightSum, 1f);
        MaddpgMath.OneHot(batch.Actions, n, a, _oneHot);
        if (_torch is not null)
        {
            stats = _torch.Update(batch, _oneHot, _nextOneHot, _column, norm, _rng);
            Updates++;
            _torch.PushToHost(all: false);
            return stats;
        }
        using (DisposeScope.Begin())
        {
            var obs = new Tensor(batch.Observations, b, j);
            var next = new Tensor(batch.NextObservations, b, j);
            var actions = new Tensor(_oneHot, b, n * a);
            var weights = new Tensor(batch.Weights, b, 1);
            var critic = Tensor.Concat([obs, actions], 1);
            var targets = Targets(batch, next);
            for (int i = 0; i < n; i++)
            {
                stats.TargetMean[i] = System.Numerics.Tensors.TensorPrimitives.Sum(targets[i].Data) / b;
                UpdateCritic(i, critic, targets[i], weights, norm, stats);
                UpdateActor(i, obs, actions, weights, norm, stats);
            }
        }
        Updates++;
        TargetActors.PolyakUpdate(Actors, _options.Tau);
        TargetCritics.PolyakUpdate(Critics, _options.Tau);
        return stats;
    }

    // yᵢ for every agent: target actions from μ′ on the next observations, then each Qᵢ′.
    private Tensor[] Targets(MaddpgBatch batch, Tensor next)
    {
        int n = _spec.AgentCount, b = batch.Rows;
        using var _ = Autograd.NoGrad();
        for (int k = 0; k < n; k++)
        {
            var logits = TargetActors.Forward(k, next.Slice(1, _spec.ObservationOffset(k), _spec.ObservationSizes[k]));
            MaddpgMath.SampleOneHot(logits.Data, k, n, _spec.ActionCount, _rng, _nextOneHot);
        }
        var input = Tensor.Concat([next, new Tensor(_nextOneHot, b, n * _spec.ActionCount)], 1);
        var y = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            var nextQ = TargetCritics.Forward(i, input);
            for (int r = 0; r < b; r++) _column[r] = batch.Rewards[r * n + i];
            y[i] = Tensor.Zeros(b, 1);
            MaddpgMath.Targets(_column, batch.Dones, nextQ.Data, _options.Gamma, y[i].Data);
        }
        return y;
    }

    private void UpdateCritic(int i, Tensor input, Tensor y, Tensor weights, float norm, MaddpgUpdateStats stats)
    {
        var q = Critics.Forward(i, input);
        var loss = MaddpgLoss.Critic(q, y, weights, norm);
        _criticAdam[i].ZeroGrad();
        loss.Backward();
        stats.CriticGradNorm[i] = ClipEach(_criticParams[i]);
        _criticAdam[i].Step();
        stats.CriticLoss[i] = loss.Item();
        stats.QMean[i] = System.Numerics.Tensors.TensorPrimitives.Sum(q.Data) / q.Size;
    }

    private void UpdateActor(int i, Tensor obs, Tensor actions, Tensor weights, float norm, MaddpgUpdateStats stats)
    {
        int n = _spec.AgentCount, a = _spec.ActionCount;
        var logits = Actors.Forward(i, obs.Slice(1, _spec.ObservationOffset(i), _spec.ObservationSizes[i]));
        var own = GumbelSoftmax.Sample(logits, _options.GumbelTemperature, _rng, hard: true);
        var parts = new List<Tensor>(4) { obs };
        if (i > 0) parts.Add(actions.Slice(1, 0, i * a));
        parts.Add(own);
        if (i < n - 1) parts.Add(actions.Slice(1, (i + 1) * a, (n - 1 - i) * a));
        Tensor loss;
        // The critic is only a path for the gradient here: its own weights need none (frozen through the backward pass).
        using (Frozen(_criticParams[i]))
        {
            var q = Critics.Forward(i, Tensor.Concat(parts, 1));
            loss = MaddpgLoss.Actor(q, logits, weights, norm, _options.LogitRegularization);
            _actorAdam[i].ZeroGrad();
            loss.Backward();
        }
        stats.ActorGradNorm[i] = ClipEach(_actorParams[i]);
        _actorAdam[i].Step();
        stats.ActorLoss[i] = loss.Item();
        stats.Entropy[i] = MaddpgMath.MeanEntropy(logits.Data, a);
    }

    // Clips each gradient tensor to the norm bound on its own; returns the global norm before clipping.
    private float ClipEach(Tensor[] parameters)
    {
        double sum = 0;
        foreach (var p in parameters)
        {
            float norm = GradClip.ClipGradNorm([p], _options.MaxGradNorm);
            sum += (double)norm * norm;
        }
        return (float)Math.Sqrt(sum);
    }

    private static FrozenParameters Frozen(Tensor[] parameters)
    {
        foreach (var p in parameters) p.RequiresGrad_(false);
        return new FrozenParameters(parameters);
    }

    private readonly struct FrozenParameters(Tensor[] parameters) : IDisposable
    {
        public void Dispose()
        {
            foreach (var p in parameters) p.RequiresGrad_(true);
        }
    }
}

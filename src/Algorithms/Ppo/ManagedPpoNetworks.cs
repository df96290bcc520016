using AsyncRL.Models.Optim;

namespace AsyncRL.Algorithms.Ppo;

/// <summary>PPO on our own engine: the host networks are the trained ones.</summary>
internal sealed class ManagedPpoNetworks : IPpoNetworks
{
    private readonly PpoOptions _options;
    private readonly Tensor[] _parameters; // walked once, not per minibatch
    private readonly Adam _optimizer;

    public ManagedPpoNetworks(ActorCritic model, PpoOptions options)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _parameters = [.. model.Parameters()];
        _optimizer = new Adam(_parameters, options.LearningRate, eps: 1e-5f);
    }

    public ActorCritic Model { get; }

    public float LearningRate { get => _optimizer.LearningRate; set => _optimizer.LearningRate = value; }

    public void Values(float[] observations, int rows, Span<float> values)
    {
        using var _ = Autograd.NoGrad();
        using var scope = DisposeScope.Begin();
        Model.Value(new Tensor(observations, rows, Model.ObservationSize).Detach()).Data.CopyTo(values);
    }

    public void ActionLogProbs(float[] observations, int[] actions, Span<float> logProbs)
    {
        using var _ = Autograd.NoGrad();
        using var scope = DisposeScope.Begin();
        var obs = new Tensor(observations, actions.Length, Model.ObservationSize).Detach();
        Model.Actor.Forward(obs).LogSoftmax(-1).Gather(actions).Data.CopyTo(logProbs);
    }

    public PpoStepResult Step(PpoMinibatch mb)
    {
        ArgumentNullException.ThrowIfNull(mb);
        using var scope = DisposeScope.Begin();
        var (loss, stats) = PpoLoss.Compute(Model, _options, new Tensor(mb.Observations, mb.Rows, Model.ObservationSize), mb.Actions,
            new Tensor(mb.BehaviourLogProbs, mb.Rows), new Tensor(mb.Advantages, mb.Rows), new Tensor(mb.Returns, mb.Rows), new Tensor(mb.BehaviourValues, mb.Rows));
        _optimizer.ZeroGrad();
        float value = loss.Item();
        if (!float.IsFinite(value)) return new PpoStepResult(value, stats, float.NaN, Skipped: true);
        loss.Backward();
        float norm = GradClip.ClipGradNorm(_parameters, _options.MaxGradNorm);
        if (!float.IsFinite(norm))
        {
            _optimizer.ZeroGrad();
            return new PpoStepResult(value, stats, norm, Skipped: true);
        }
        _optimizer.Step();
        return new PpoStepResult(value, stats, norm, Skipped: false);
    }

    public void PushToHost()
    {
        // the host networks are the trained ones
    }

    public void PullFromHost()
    {
        // the host networks are the trained ones
    }

    public IReadOnlyDictionary<string, Tensor> OptimizerState() => _optimizer.StateDict();

    public void LoadOptimizerState(IReadOnlyDictionary<string, Tensor> state) => _optimizer.LoadStateDict(state);

    public void Dispose()
    {
        // nothing native to release
    }
}

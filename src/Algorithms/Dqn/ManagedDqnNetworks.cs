using AsyncRL.Models.Optim;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>DQN on our own engine: the host networks are the trained ones.</summary>
internal sealed class ManagedDqnNetworks : IDqnNetworks
{
    private readonly DqnOptions _options;
    private readonly Tensor[] _parameters;
    private readonly Adam _optimizer;

    public ManagedDqnNetworks(QNetwork online, DqnOptions options)
    {
        Online = online ?? throw new ArgumentNullException(nameof(online));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        Target = online.CloneNetwork();
        Target.Eval();
        _parameters = [.. online.Parameters()];
        _optimizer = new Adam(_parameters, options.LearningRate);
    }

    public QNetwork Online { get; }

    public QNetwork Target { get; }

    public float LearningRate { get => _optimizer.LearningRate; set => _optimizer.LearningRate = value; }

    public void QValues(bool target, float[] observations, int rows, Span<float> q)
    {
        using var _ = Autograd.NoGrad();
        using var scope = DisposeScope.Begin();
        (target ? Target : Online).Forward(new Tensor(observations, rows, Online.ObservationSize)).Data.CopyTo(q);
    }

    public DqnStepResult Step(float[] observations, int[] actions, float[] targets, float[] weights, Span<float> qTaken)
    {
        int b = actions.Length;
        using var scope = DisposeScope.Begin();
        var q = Online.Forward(new Tensor(observations, b, Online.ObservationSize)).Gather(actions);
        var perRow = Losses.HuberLoss(q, new Tensor(targets, b), _options.HuberDelta, Reduction.None);
        var loss = (perRow * new Tensor(weights, b)).Mean();
        q.Data.CopyTo(qTaken);
        float value = loss.Item();
        _optimizer.ZeroGrad();
        if (!float.IsFinite(value)) return new DqnStepResult(value, float.NaN, Skipped: true);
        loss.Backward();
        float norm = GradClip.ClipGradNorm(_parameters, _options.MaxGradNorm);
        if (!float.IsFinite(norm))
        {
            _optimizer.ZeroGrad();
            return new DqnStepResult(value, norm, Skipped: true);
        }
        _optimizer.Step();
        return new DqnStepResult(value, norm, Skipped: false);
    }

    public void UpdateTarget(float tau)
    {
        if (tau >= 1f) Target.CopyFrom(Online);
        else Target.PolyakUpdate(Online, tau);
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

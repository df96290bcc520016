using AsyncRL.Models.Backend;
using AsyncRL.Models.Nn;
using AsyncRL.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AsyncRL.Algorithms.Ppo;

// Inside the namespace, so it wins over AsyncRL.Models.Tensor.
using TorchTensor = TorchSharp.torch.Tensor;

/// <summary>
/// PPO's clipped objective on libtorch: the same loss as <see cref="PpoLoss"/> (π_old is the behaviour policy μ),
/// Adam and gradient clipping on torch tensors, the host networks refreshed by <see cref="PushToHost"/>.
/// </summary>
internal sealed class TorchPpoNetworks : IPpoNetworks
{
    private readonly PpoOptions _options;
    private readonly Device _device;
    private readonly nn.Module<TorchTensor, TorchTensor> _actor;
    private readonly nn.Module<TorchTensor, TorchTensor> _critic;
    private readonly TorchNetwork _network;
    private readonly TorchAdam _optimizer;
    private readonly TorchScalars _scalars = new();
    private readonly Scalar _ratioLow, _ratioHigh, _valueLow, _valueHigh, _half, _valueCoef, _entropyCoef;

    public TorchPpoNetworks(ActorCritic model, PpoOptions options)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _device = TorchRuntime.Resolve(options.Engine.Device);
        TorchRuntime.SetThreads(Gemm.Threads);
        _actor = TorchMlp.Create([model.ObservationSize, .. options.Hidden, model.ActionCount], ActivationKind.Tanh);
        _critic = TorchMlp.Create([model.ObservationSize, .. options.Hidden, 1], ActivationKind.Tanh);
        _network = new TorchNetwork(TorchMlp.Named(("actor", _actor), ("critic", _critic)), model, _device);
        _optimizer = new TorchAdam(_network.Parameters, options.LearningRate, eps: 1e-5f);
        float clip = options.ClipCoef;
        (_ratioLow, _ratioHigh, _valueLow, _valueHigh) = (_scalars.Of(1 - clip), _scalars.Of(1 + clip), _scalars.Of(-clip), _scalars.Of(clip));
        (_half, _valueCoef, _entropyCoef) = (_scalars.Of(0.5f), _scalars.Of(options.ValueCoef), _scalars.Of(options.EntropyCoef));
    }

    public ActorCritic Model { get; }

    public float LearningRate { get => _optimizer.LearningRate; set => _optimizer.LearningRate = value; }

    public void Values(float[] observations, int rows, Span<float> values)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        TorchNetwork.CopyOut(_critic.forward(Input(observations, rows, Model.ObservationSize)).reshape(-1), values);
    }

    public void ActionLogProbs(float[] observations, int[] actions, Span<float> logProbs)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var logits = _actor.forward(Input(observations, actions.Length, Model.ObservationSize));
        TorchNetwork.CopyOut(logits.log_softmax(-1).gather(1, Actions(actions)).reshape(-1), logProbs);
    }

    public PpoStepResult Step(PpoMinibatch mb)
    {
        ArgumentNullException.ThrowIfNull(mb);
        using var scope = NewDisposeScope();
        int n = mb.Rows;
        var obs = Input(mb.Observations, n, Model.ObservationSize);
        var advantages = mb.Advantages;
        if (_options.NormalizeAdvantages)
        {
            advantages = new float[n];
            PpoLoss.Normalize(mb.Advantages, advantages);
        }
        var logAll = _actor.forward(obs).log_softmax(-1);
        var logRatio = logAll.gather(1, Actions(mb.Actions)).reshape(-1) - Input(mb.BehaviourLogProbs, n);
        var ratio = logRatio.exp();
        var adv = Input(advantages, n);
        var policyLoss = -minimum(ratio * adv, ratio.clamp(_ratioLow, _ratioHigh) * adv).mean();

        var values = _critic.forward(obs).reshape(-1);
        var returns = Input(mb.Returns, n);
        TorchTensor valueLoss;
        if (_options.ClipValueLoss)
        {
            var behaviour = Input(mb.BehaviourValues, n);
            var vClipped = behaviour.Plus((values - behaviour).clamp(_valueLow, _valueHigh));
            valueLoss = maximum((values - returns).Squared(), (vClipped - returns).Squared()).mean().mul(_half);
        }
        else
        {
            valueLoss = (values - returns).Squared().mean().mul(_half);
        }
        var entropy = -(logAll.exp() * logAll).sum(-1).mean();
        var loss = policyLoss.Plus(valueLoss.mul(_valueCoef)) - entropy.mul(_entropyCoef);

        var hostLogRatio = new float[n];
        TorchNetwork.CopyOut(logRatio.detach(), hostLogRatio);
        var stats = PpoLoss.Diagnose(hostLogRatio, _options.ClipCoef, policyLoss.item<float>(), valueLoss.item<float>(), entropy.item<float>());
        float value = loss.item<float>();
        _optimizer.ZeroGrad();
        if (!float.IsFinite(value)) return new PpoStepResult(value, stats, float.NaN, Skipped: true);
        loss.backward();
        float norm = (float)nn.utils.clip_grad_norm_(_network.Parameters, _options.MaxGradNorm);
        if (!float.IsFinite(norm))
        {
            _optimizer.ZeroGrad();
            return new PpoStepResult(value, stats, norm, Skipped: true);
        }
        _optimizer.Step();
        return new PpoStepResult(value, stats, norm, Skipped: false);
    }

    public void PushToHost() => _network.PushToHost();

    public void PullFromHost() => _network.PullFromHost();

    public IReadOnlyDictionary<string, Models.Tensor> OptimizerState() => _optimizer.StateDict();

    public void LoadOptimizerState(IReadOnlyDictionary<string, Models.Tensor> state) => _optimizer.LoadStateDict(state);

    public void Dispose()
    {
        _optimizer.Dispose();
        _network.Dispose();
        _scalars.Dispose();
    }

    private TorchTensor Input(float[] data, int rows, int columns) => tensor(data, [rows, columns], device: _device);

    private TorchTensor Input(float[] data, int rows) => tensor(data, [rows], device: _device);

    private TorchTensor Actions(int[] actions) => tensor(actions.Select(a => (long)a).ToArray(), [actions.Length, 1], device: _device);
}

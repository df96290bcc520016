using AsyncRL.Models.Backend;
using AsyncRL.Models.Nn;
using AsyncRL.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AsyncRL.Algorithms.Dqn;

// Inside the namespace, so it wins over AsyncRL.Models.Tensor.
using TorchTensor = TorchSharp.torch.Tensor;

/// <summary>DQN's online and target Q-networks on libtorch, with the same Huber step as the managed engine.</summary>
internal sealed class TorchDqnNetworks : IDqnNetworks
{
    private readonly DqnOptions _options;
    private readonly Device _device;
    private readonly TorchNetwork _online;
    private readonly TorchNetwork _target;
    private readonly TorchAdam _optimizer;
    private readonly TorchScalars _scalars = new();
    private readonly Scalar _delta, _half, _halfDelta;
    private bool _targetChanged;

    public TorchDqnNetworks(QNetwork online, DqnOptions options)
    {
        Online = online ?? throw new ArgumentNullException(nameof(online));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _device = TorchRuntime.Resolve(options.Engine.Device);
        TorchRuntime.SetThreads(Gemm.Threads);
        Target = online.CloneNetwork();
        Target.Eval();
        _online = new TorchNetwork(Create(online), online, _device);
        _target = new TorchNetwork(Create(online), Target, _device);
        _optimizer = new TorchAdam(_online.Parameters, options.LearningRate);
        (_delta, _half, _halfDelta) = (_scalars.Of(options.HuberDelta), _scalars.Of(0.5f), _scalars.Of(0.5f * options.HuberDelta));
    }

    public QNetwork Online { get; }

    public QNetwork Target { get; }

    public float LearningRate { get => _optimizer.LearningRate; set => _optimizer.LearningRate = value; }

    public void QValues(bool target, float[] observations, int rows, Span<float> q)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        TorchNetwork.CopyOut((target ? _target : _online).Forward(Input(observations, [rows, Online.ObservationSize])), q);
    }

    public DqnStepResult Step(float[] observations, int[] actions, float[] targets, float[] weights, Span<float> qTaken)
    {
        int b = actions.Length;
        using var scope = NewDisposeScope();
        var index = tensor(actions.Select(a => (long)a).ToArray(), [b, 1], device: _device);
        var q = _online.Forward(Input(observations, [b, Online.ObservationSize])).gather(1, index).reshape(-1);
        var d = q - Input(targets, [b]);
        var abs = d.abs();
        var perRow = where(abs.le(_delta), d.Squared().mul(_half), abs.sub(_halfDelta).mul(_delta));
        var loss = (perRow * Input(weights, [b])).mean();
        TorchNetwork.CopyOut(q.detach(), qTaken);
        float value = loss.item<float>();
        _optimizer.ZeroGrad();
        if (!float.IsFinite(value)) return new DqnStepResult(value, float.NaN, Skipped: true);
        loss.backward();
        float norm = (float)nn.utils.clip_grad_norm_(_online.Parameters, _options.MaxGradNorm);
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
        _target.PolyakFrom(_online, tau);
        _targetChanged = true;
    }

    public void PushToHost()
    {
        _online.PushToHost();
        // hard copies every C updates leave the target alone in between: no need to copy it out each time
        if (_targetChanged) _target.PushToHost();
        _targetChanged = false;
    }

    public void PullFromHost()
    {
        _online.PullFromHost();
        _target.PullFromHost();
    }

    public IReadOnlyDictionary<string, Models.Tensor> OptimizerState() => _optimizer.StateDict();

    public void LoadOptimizerState(IReadOnlyDictionary<string, Models.Tensor> state) => _optimizer.LoadStateDict(state);

    public void Dispose()
    {
        _optimizer.Dispose();
        _online.Dispose();
        _target.Dispose();
        _scalars.Dispose();
    }

    private static nn.Module<TorchTensor, TorchTensor> Create(QNetwork host) =>
        TorchMlp.Named(("q", TorchMlp.Create([host.ObservationSize, .. host.Hidden, host.ActionCount], ActivationKind.Relu)));

    private TorchTensor Input(float[] data, long[] shape) => tensor(data, shape, device: _device);
}

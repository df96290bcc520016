using System.Globalization;

namespace AsyncRL.Models.Optim;

/// <summary>Updates a fixed list of parameters from their gradients.</summary>
public abstract class Optimizer : IOptimizerState
{
    /// <summary>Takes the parameters to update (typically <c>module.Parameters()</c>).</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Params = [.. parameters];
        if (Params.Count == 0) throw new ArgumentException("Optimizer: no parameters given.", nameof(parameters));
        if (Params.Any(p => !p.RequiresGrad)) throw new ArgumentException("Optimizer: every parameter must require grad.", nameof(parameters));
        LearningRate = CheckPositive(learningRate, nameof(learningRate));
    }

    /// <summary>The parameters, in order.</summary>
    protected IReadOnlyList<Tensor> Params { get; }

    /// <summary>Step size; schedules change it between steps.</summary>
    public float LearningRate { get; set; }

    /// <summary>Number of steps taken.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Zeroes every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Params) p.ZeroGrad();
    }

    /// <summary>Applies one update. Parameters that received no gradient are skipped.</summary>
    public abstract void Step();

    /// <summary>The optimizer's state as named tensors (for checkpoints): per-parameter buffers and the step count.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["step"] = Tensor.FromArray([StepCount]),
            ["lr"] = Tensor.FromArray([LearningRate]),
        };
        foreach (var (name, buffers) in BufferSets())
            for (int i = 0; i < buffers.Length; i++)
                if (buffers[i] is { } b) dict[string.Create(CultureInfo.InvariantCulture, $"{name}.{i}")] = b;
        return dict;
    }

    /// <summary>Restores state written by <see cref="StateDict"/> for the same parameter list.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.TryGetValue("step", out var step)) throw new ArgumentException("Optimizer.LoadStateDict: 'step' is missing.", nameof(state));
        foreach (var (name, buffers) in BufferSets())
        {
            for (int i = 0; i < buffers.Length; i++)
            {
                string key = string.Create(CultureInfo.InvariantCulture, $"{name}.{i}");
                if (!state.TryGetValue(key, out var src)) { buffers[i] = null; continue; }
                if (!src.Shape.SequenceEqual(Params[i].Shape))
                    throw new ArgumentException($"Optimizer.LoadStateDict: {key} has shape {Tensor.ShapeString(src.Shape)}, parameter {i} has {Tensor.ShapeString(Params[i].Shape)}.", nameof(state));
                buffers[i] = src.Clone().MoveToOuterDisposeScope();
            }
        }
        StepCount = (long)step.Item();
        if (state.TryGetValue("lr", out var lr)) LearningRate = lr.Item();
    }

    /// <summary>Named per-parameter buffer arrays (e.g. Adam's "exp_avg"); entries are null until first used.</summary>
    protected abstract IEnumerable<(string Name, Tensor?[] Buffers)> BufferSets();

    /// <summary>Validates a hyper-parameter.</summary>
    protected static float CheckPositive(float value, string name) =>
        value > 0 && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, $"{name} must be positive and finite, got {value}.");

    /// <summary>Validates a hyper-parameter in [0, 1).</summary>
    protected static float CheckUnit(float value, string name) =>
        value is >= 0 and < 1 ? value : throw new ArgumentOutOfRangeException(name, $"{name} must be in [0, 1), got {value}.");

    /// <summary>A persistent zero buffer shaped like a parameter (outside any dispose scope).</summary>
    protected static Tensor NewBuffer(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return new Tensor(new float[like.Size], like.Shape);
    }
}

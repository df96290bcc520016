namespace AsyncRL.Models.Nn;

/// <summary>
/// A neural-network component that owns parameters and child modules, addressed by dotted names
/// (<c>0.weight</c>, <c>blocks.1.attn.qkv.bias</c>) as in PyTorch, so state dicts interchange.
/// </summary>
public abstract class Module
{
    private readonly List<KeyValuePair<string, Tensor>> _parameters = [];
    private readonly List<KeyValuePair<string, Tensor>> _buffers = [];
    private readonly List<KeyValuePair<string, Module>> _children = [];

    /// <summary>True in training mode (the default); some layers behave differently in evaluation.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Registers a trainable tensor under <paramref name="name"/> and marks it as requiring grad.</summary>
    protected Tensor RegisterParameter(string name, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        CheckName(name);
        _parameters.Add(new(name, parameter.RequiresGrad_()));
        return parameter;
    }

    /// <summary>Registers non-trainable state that belongs in the state dict.</summary>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        CheckName(name);
        _buffers.Add(new(name, buffer));
        return buffer;
    }

    /// <summary>Registers a child module under <paramref name="name"/>.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        _children.Add(new(name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.', StringComparison.Ordinal))
            throw new ArgumentException($"Module: invalid name '{name}' (non-empty, no dots).", nameof(name));
        if (_parameters.Any(p => p.Key == name) || _buffers.Any(p => p.Key == name) || _children.Any(c => c.Key == name))
            throw new ArgumentException($"Module: name '{name}' is already registered.", nameof(name));
    }

    /// <summary>Direct children, in registration order.</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedChildren() => _children;

    /// <summary>All trainable tensors of this module and its descendants, with dotted names.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedParameters() => Walk(m => m._parameters);

    /// <summary>All trainable tensors, in a stable order.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>All non-trainable state tensors, with dotted names.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedBuffers() => Walk(m => m._buffers);

    /// <summary>Total number of trainable scalars.</summary>
    public long ParameterCount => Parameters().Sum(p => (long)p.Size);

    private IEnumerable<KeyValuePair<string, Tensor>> Walk(Func<Module, List<KeyValuePair<string, Tensor>>> select, string prefix = "")
    {
        foreach (var (name, t) in select(this)) yield return new(prefix + name, t);
        foreach (var (name, child) in _children)
            foreach (var item in child.Walk(select, prefix + name + "."))
                yield return item;
    }

    /// <summary>Parameters and buffers by dotted name. The tensors are the live ones, not copies.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in NamedParameters().Concat(NamedBuffers())) dict.Add(name, t);
        return dict;
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into this module's tensors. Mis-shaped entries
    /// always fail; with <paramref name="strict"/>, missing and unexpected names fail too. Nothing is
    /// changed unless the whole load is valid.
    /// </summary>
    public StateDictLoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var own = StateDict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        var misShaped = own.Where(kv => state.TryGetValue(kv.Key, out var t) && !t.Shape.SequenceEqual(kv.Value.Shape))
            .Select(kv => $"{kv.Key}: expected {Tensor.ShapeString(kv.Value.Shape)}, got {Tensor.ShapeString(state[kv.Key].Shape)}")
            .Order(StringComparer.Ordinal).ToArray();
        var result = new StateDictLoadResult(missing, unexpected, misShaped);
        if (misShaped.Length > 0 || (strict && (missing.Length > 0 || unexpected.Length > 0)))
            throw new StateDictMismatchException(GetType().Name, result);
        foreach (var (name, t) in own)
            if (state.TryGetValue(name, out var src)) src.Data.CopyTo(t.Data);
        return result;
    }

    /// <summary>Sets training mode on this module and its descendants.</summary>
    public Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, child) in _children) child.Train(training);
        return this;
    }

    /// <summary>Sets evaluation mode.</summary>
    public Module Eval() => Train(false);

    /// <summary>Zeroes the gradients of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Copies every parameter and buffer from a module of the same structure (a hard target-network update).</summary>
    public void CopyFrom(Module source) => PolyakUpdate(source, 1f);

    /// <summary>θ ← τ·θ_source + (1 − τ)·θ for every parameter and buffer (soft target-network update).</summary>
    public void PolyakUpdate(Module source, float tau)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (tau is < 0 or > 1 || float.IsNaN(tau)) throw new ArgumentOutOfRangeException(nameof(tau), $"PolyakUpdate: tau must be in [0, 1], got {tau}.");
        var mine = NamedParameters().Concat(NamedBuffers()).ToList();
        var theirs = source.NamedParameters().Concat(source.NamedBuffers()).ToList();
        if (mine.Count != theirs.Count)
            throw new ArgumentException($"PolyakUpdate: {GetType().Name} has {mine.Count} tensors, source {source.GetType().Name} has {theirs.Count}.");
        for (int i = 0; i < mine.Count; i++)
        {
            var (name, dst) = mine[i];
            var src = theirs[i].Value;
            if (name != theirs[i].Key || !dst.Shape.SequenceEqual(src.Shape))
                throw new ArgumentException($"PolyakUpdate: {name} {Tensor.ShapeString(dst.Shape)} does not match source {theirs[i].Key} {Tensor.ShapeString(src.Shape)}.");
            if (tau == 1f) src.Data.CopyTo(dst.Data);
            else System.Numerics.Tensors.TensorPrimitives.Lerp(dst.Data, src.Data, tau, dst.Data);
        }
    }
}

/// <summary>A module with a typed forward pass (as TorchSharp's <c>Module&lt;T, TResult&gt;</c>).</summary>
public abstract class Module<TInput, TOutput> : Module
{
    /// <summary>Computes the module's output.</summary>
    public abstract TOutput Forward(TInput input);
}

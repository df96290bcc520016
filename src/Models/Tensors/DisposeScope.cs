namespace AsyncRL.Models;

/// <summary>
/// Tensors created while a scope is open borrow pooled storage that goes back when the scope is
/// disposed (as TorchSharp's <c>NewDisposeScope</c>). A training step opens one, so its
/// intermediates cost no garbage. Keep a result beyond the scope with
/// <see cref="Tensor.MoveToOuterDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? t_current;
    private readonly DisposeScope? _outer;
    private readonly List<Tensor> _tensors = new(64);
    private bool _disposed;

    private DisposeScope()
    {
        _outer = t_current;
        t_current = this;
    }

    /// <summary>The innermost open scope on this thread, if any.</summary>
    public static DisposeScope? Current => t_current;

    /// <summary>Opens a scope on the current thread.</summary>
    public static DisposeScope Begin() => new();

    /// <summary>Number of tensors the scope will release.</summary>
    public int Count => _tensors.Count;

    internal void Register(Tensor t) => _tensors.Add(t);

    internal bool Detach(Tensor t)
    {
        int i = _tensors.LastIndexOf(t);
        if (i < 0) return false;
        _tensors.RemoveAt(i);
        return true;
    }

    internal DisposeScope? Outer => _outer;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        if (t_current != this)
            throw new InvalidOperationException("DisposeScope: scopes must be disposed innermost first, on the thread that opened them.");
        _disposed = true;
        t_current = _outer;
        // Views first, so a base is never released while a surviving view still points at it.
        foreach (var t in _tensors) if (t.IsView) t.ReleaseStorage();
        foreach (var t in _tensors) if (!t.IsView) t.ReleaseStorage();
        _tensors.Clear();
    }
}

public sealed partial class Tensor
{
    /// <summary>Keeps this tensor (and the storage it views) alive past the current scope: it moves to the enclosing scope, or to the garbage collector if none.</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        var scope = DisposeScope.Current;
        if (scope is null) return this;
        if (_base is not null && scope.Detach(_base)) scope.Outer?.Register(_base);
        if (scope.Detach(this)) scope.Outer?.Register(this);
        return this;
    }
}

using AsyncRL.Models.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using HostTensor = AsyncRL.Models.Tensor;

namespace AsyncRL.Models.Torch;

// Inside the namespace, so it wins over AsyncRL.Models.Tensor.
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// A torch module beside its host twin, an <see cref="Module"/> of our engine with the same dotted parameter names
/// (<c>actor.0.weight</c>). The host twin is what the rest of the system sees: weights published to actors,
/// checkpoints (safetensors, same names either engine) and evaluation; the torch copy is what trains.
/// </summary>
public sealed class TorchNetwork : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _module;
    private readonly (string Name, Parameter Torch, HostTensor Host)[] _pairs;

    /// <summary>Pairs <paramref name="module"/>'s parameters with <paramref name="host"/>'s by name and copies the host weights in.</summary>
    public TorchNetwork(nn.Module<Tensor, Tensor> module, Module host, Device device)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(host);
        Device = device ?? throw new ArgumentNullException(nameof(device));
        _module = module.to(device);
        Host = host;
        var own = _module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var theirs = host.NamedParameters().ToList();
        if (own.Count != theirs.Count || theirs.Any(p => !own.ContainsKey(p.Key)))
            throw new ArgumentException($"Torch module parameters [{string.Join(", ", own.Keys)}] do not match the host's [{string.Join(", ", theirs.Select(p => p.Key))}].", nameof(module));
        _pairs = [.. theirs.Select(p => (p.Key, own[p.Key], p.Value))];
        foreach (var (name, t, h) in _pairs)
            if (!t.shape.SequenceEqual(h.Shape.ToArray().Select(d => (long)d)))
                throw new ArgumentException($"Parameter '{name}': torch shape [{string.Join(", ", t.shape)}], host shape {HostTensor.ShapeString(h.Shape)}.", nameof(module));
        PullFromHost();
    }

    /// <summary>Where the torch copy lives.</summary>
    public Device Device { get; }

    /// <summary>The host twin (names, publishing, checkpoints).</summary>
    public Module Host { get; }

    /// <summary>The torch module.</summary>
    public nn.Module<Tensor, Tensor> Module => _module;

    /// <summary>The torch parameters, in host <see cref="Module.NamedParameters"/> order.</summary>
    public IReadOnlyList<Parameter> Parameters => [.. _pairs.Select(p => p.Torch)];

    /// <summary>Runs the torch module.</summary>
    public Tensor Forward(Tensor input) => _module.forward(input);

    /// <summary>Host weights → torch (after a checkpoint restore or a weights load on the host twin).</summary>
    public void PullFromHost()
    {
        using var _ = no_grad();
        foreach (var (_, t, h) in _pairs) CopyIn(t, h.Data);
    }

    /// <summary>Torch weights → host (before the host twin is published or saved).</summary>
    public void PushToHost()
    {
        foreach (var (_, t, h) in _pairs) CopyOut(t, h.Data);
    }

    /// <summary>θ_this ← τ·θ_source + (1−τ)·θ_this (τ = 1: a copy), on the torch side.</summary>
    public void PolyakFrom(TorchNetwork source, float tau)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var _ = no_grad();
        // lerp_ takes its weight as a tensor: one, held across the calls (a float argument becomes a fresh tensor per call, left to the finalizer)
        using var weight = tau >= 1f ? null : torch.tensor(tau);
        for (int i = 0; i < _pairs.Length; i++)
        {
            if (weight is null) _pairs[i].Torch.copy_(source._pairs[i].Torch);
            else _pairs[i].Torch.lerp_(source._pairs[i].Torch, weight);
        }
    }

    /// <summary>Copies floats into a torch tensor of the same element count.</summary>
    public static void CopyIn(Tensor target, ReadOnlySpan<float> data)
    {
        if (target.device_type == DeviceType.CPU)
        {
            using var access = target.data<float>();
            access.CopyFrom(data, 0, 0);
        }
        else
        {
            using var cpu = torch.tensor(data.ToArray(), target.shape);
            target.copy_(cpu);
        }
    }

    /// <summary>Copies a torch tensor's floats out.</summary>
    public static void CopyOut(Tensor source, Span<float> data)
    {
        using var cpu = source.device_type == DeviceType.CPU ? source.alias() : source.cpu();
        using var access = cpu.data<float>();
        access.CopyTo(data, 0, 0);
    }

    /// <inheritdoc />
    public void Dispose() => _module.Dispose();
}

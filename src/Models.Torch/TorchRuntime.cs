using TorchSharp;
using static TorchSharp.torch;

namespace AsyncRL.Models.Torch;

// Inside the namespace, so it wins over AsyncRL.Models.Tensor.
using Tensor = TorchSharp.torch.Tensor;

/// <summary>Starting libtorch: the device a run asked for, and the threads it may use.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// The torch device for <paramref name="device"/> (cpu, cuda, cuda:N). Throws naming what is missing when CUDA is
    /// asked for but this process has only the CPU build of libtorch.
    /// </summary>
    public static Device Resolve(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!Engine.ModelEngine.IsKnownDevice(device)) throw new ArgumentException($"Unknown device '{device}': expected cpu, cuda or cuda:N.", nameof(device));
        EnsureLoaded();
        if (device == "cpu") return CPU;
        if (!cuda.is_available())
            throw new InvalidOperationException(
                $"Device '{device}' asked for, but the libtorch loaded here has no CUDA: build with the TorchSharp-cuda-linux package "
                + "(libtorch-cuda-12.8-linux-x64) in place of TorchSharp-cpu, on a machine with an NVIDIA driver.");
        return torch.device(device);
    }

    /// <summary>Intra-op threads of libtorch, as <c>torch.set_num_threads</c> (the learner's BLAS thread option).</summary>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        EnsureLoaded();
        if (get_num_threads() != threads) set_num_threads(threads);
    }

    /// <summary>Loads the native libraries, turning a loader failure into a message that says what to check.</summary>
    public static void EnsureLoaded()
    {
        try
        {
            InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            throw new InvalidOperationException(
                "libtorch did not load. On Linux its glue libLibTorchSharp.so needs GLIBCXX_3.4.32 unless the build marked that "
                + "requirement weak (build/LibTorchSharp.targets runs after every build and publish): rebuild, and check that "
                + $"runtimes/linux-x64/native sits beside the program. {ex.GetBaseException().Message}", ex);
        }
    }
}

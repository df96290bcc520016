using System.Diagnostics;
using AsyncRL.Contracts.V1;
using AsyncRL.Learner.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Health.V1;

namespace AsyncRL.Learner.Tests.Wire;

/// <summary>Python's grpcio, a gRPC implementation that shares no code with ours, calls the real learner.</summary>
public sealed class PythonLearnerInteropTests
{
    /// <summary>Debian's python3-grpcio installs for the system interpreter, which need not be first on PATH.</summary>
    internal static readonly Lazy<string?> Interpreter = new(() => new[] { "/usr/bin/python3", "python3" }.FirstOrDefault(Imports));

    [RequiresGrpcio]
    public async Task GrpcioClient_HealthRegisterWeightsSamplesAndErrors_BehaveAsTheProtocolSays()
    {
        await using var learner = await LearnerHarness.StartAsync(o => o with { AuthToken = "py-token", HealthPort = 0 });
        using var descriptors = new TempDirectory();
        string set = Path.Combine(descriptors.Path, "learner.pb");
        File.WriteAllBytes(set, DescriptorSet(LearnerReflection.Descriptor, HealthReflection.Descriptor));
        var info = new ProcessStartInfo(Interpreter.Value!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "Wire", "learner_client.py"),
                "--target", $"127.0.0.1:{learner.Node.Address!.Port}", "--health", $"127.0.0.1:{learner.Node.HealthAddress!.Port}",
                "--descriptors", set, "--token", "py-token",
            },
        };

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().Within(TimeSpan.FromSeconds(90));

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await output}\n{await error}");
        Assert.Contains("\"ok\": true", await output, StringComparison.Ordinal);
        Assert.Contains(learner.Node.Nodes, n => n.NodeId == "py-node" && n.ActorIds.Count == 2);
    }

    /// <summary>A FileDescriptorSet of the files and their dependencies, dependencies first.</summary>
    private static byte[] DescriptorSet(params FileDescriptor[] files)
    {
        var ordered = new List<FileDescriptor>();
        void Add(FileDescriptor file)
        {
            if (ordered.Contains(file)) return;
            foreach (var dependency in file.Dependencies) Add(dependency);
            ordered.Add(file);
        }
        foreach (var file in files) Add(file);
        var set = new FileDescriptorSet();
        foreach (var file in ordered) set.File.Add(FileDescriptorProto.Parser.ParseFrom(file.SerializedData));
        return set.ToByteArray();
    }

    private static bool Imports(string candidate)
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(candidate, ["-c", "import grpc, google.protobuf"]) { RedirectStandardError = true })!;
            return probe.WaitForExit(TimeSpan.FromSeconds(30)) && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed under that name
        }
    }
}

/// <summary>A fact that needs Python with grpcio; skipped with the reason where it is absent.</summary>
public sealed class RequiresGrpcioAttribute : FactAttribute
{
    public RequiresGrpcioAttribute()
    {
        if (PythonLearnerInteropTests.Interpreter.Value is null) Skip = "python3-grpcio not installed (apt-get install python3-grpcio)";
    }
}

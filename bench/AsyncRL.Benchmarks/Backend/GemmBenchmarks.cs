using AsyncRL.Models.Backend;
using BenchmarkDotNet.Attributes;

namespace AsyncRL.Benchmarks.Backend;

/// <summary>
/// BenchmarkDotNet view of the GEMM backends (`--filter *GemmBenchmarks*`): 512³ and the RL shapes,
/// each backend at 1 and 2 threads. Slow on 2 cores; `quick gemm` gives the headline figures in seconds.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private int _lda, _ldb;

    public static IEnumerable<GemmShape> Shapes =>
        GemmShape.Rl.Prepend(new GemmShape("512³ NN", false, false, 512, 512, 512));

    public static IEnumerable<GemmBackend> Backends =>
        Gemm.IsOpenBlasAvailable ? [GemmBackend.OpenBlas, GemmBackend.Managed] : [GemmBackend.Managed];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.Rl[0];

    [ParamsSource(nameof(Backends))]
    public GemmBackend Backend { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Gemm.UseBackend(Backend);
        Gemm.SetThreads(Threads);
        (_a, _lda, _b, _ldb, _c) = Shape.Operands(seed: 1);
    }

    [Benchmark]
    public void Sgemm() =>
        Gemm.Sgemm(Shape.TransA, Shape.TransB, Shape.M, Shape.N, Shape.K, 1e-3f, _a, _lda, _b, _ldb, 1f, _c, Shape.N);
}

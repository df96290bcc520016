using System.Globalization;
using AsyncRL.Models.Backend;

namespace AsyncRL.Benchmarks.Backend;

/// <summary>
/// `quick gemm`: GFLOP/s at 512³ and µs per call on the RL shapes, for each backend at 1 and 2 threads
/// and for the automatic selection.
/// </summary>
public sealed class GemmQuickBenchmark : IQuickBenchmark
{
    public string Name => "gemm";

    public void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var savedBackend = Gemm.Backend;
        int savedThreads = Gemm.Threads;
        var columns = new List<(string Name, GemmBackend Backend, int Threads)>();
        if (Gemm.IsOpenBlasAvailable) columns.AddRange([("openblas 1t", GemmBackend.OpenBlas, 1), ("openblas 2t", GemmBackend.OpenBlas, 2)]);
        columns.AddRange([("managed 1t", GemmBackend.Managed, 1), ("managed 2t", GemmBackend.Managed, 2), ("auto 2t", GemmBackend.Auto, 2)]);
        try
        {
            Gemm.UseBackend(GemmBackend.Managed);
            output.WriteLine($"managed kernel: {Gemm.BackendName}; OpenBLAS {(Gemm.IsOpenBlasAvailable ? "loaded" : "not available")}; {Environment.ProcessorCount} cores");
            Gemm.UseBackend(GemmBackend.Auto);
            output.WriteLine($"auto: {Gemm.BackendName}");
            output.WriteLine();

            var big = new GemmShape("512³ NN", false, false, 512, 512, 512);
            output.WriteLine($"{"GFLOP/s",-22}" + string.Concat(columns.Select(c => $"{c.Name,13}")));
            foreach (var shape in new[] { big, big with { Label = "512³ NT", TransB = true } })
                WriteRow(output, shape, columns, 2.0, s => $"{shape.Flops / s / 1e9,13:F1}");

            output.WriteLine();
            output.WriteLine($"{"µs per call",-22}" + string.Concat(columns.Select(c => $"{c.Name,13}")));
            foreach (var shape in GemmShape.Rl)
                WriteRow(output, shape, columns, 0.3, s => $"{s * 1e6,13:F2}");
        }
        finally
        {
            Gemm.UseBackend(savedBackend);
            Gemm.SetThreads(savedThreads);
        }
    }

    private static void WriteRow(TextWriter output, GemmShape shape, List<(string Name, GemmBackend Backend, int Threads)> columns,
        double budgetSeconds, Func<double, string> format)
    {
        var (a, lda, b, ldb, c) = shape.Operands(seed: 1);
        output.Write($"{shape.Label,-22}");
        foreach (var column in columns)
        {
            Gemm.UseBackend(column.Backend);
            Gemm.SetThreads(column.Threads);
            // beta = 1 as in the engine's backward passes (accumulating into gradients); small values keep C finite.
            var (seconds, _) = QuickTimer.Measure(
                () => Gemm.Sgemm(shape.TransA, shape.TransB, shape.M, shape.N, shape.K, 1e-3f, a, lda, b, ldb, 1f, c, shape.N),
                budgetSeconds);
            output.Write(format(seconds));
        }
        output.WriteLine();
        output.Flush();
    }
}

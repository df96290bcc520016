namespace AsyncRL.Benchmarks;

/// <summary>
/// A benchmark that times itself in a few seconds and prints its figures, for `quick` mode
/// (BenchmarkDotNet's statistics take minutes on a 2-core machine; these give the headline numbers).
/// </summary>
public interface IQuickBenchmark
{
    /// <summary>Short name, used by the filter.</summary>
    string Name { get; }

    /// <summary>Runs and prints results.</summary>
    void Run(TextWriter output);
}

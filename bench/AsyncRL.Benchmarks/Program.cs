using System.Reflection;
using AsyncRL.Benchmarks;
using BenchmarkDotNet.Running;

// `quick [filter]` runs the hand-timed quick benchmarks (seconds, figures printed as a table);
// anything else goes to BenchmarkDotNet's switcher (e.g. `--filter *Gemm*`).
if (args.Length > 0 && args[0] == "quick")
{
    string? filter = args.Length > 1 ? args[1] : null;
    var benches = typeof(IQuickBenchmark).Assembly.GetTypes()
        .Where(t => typeof(IQuickBenchmark).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
        .Select(t => (IQuickBenchmark)Activator.CreateInstance(t)!)
        .Where(b => filter is null || b.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
        .OrderBy(b => b.Name, StringComparer.Ordinal);
    foreach (var bench in benches)
    {
        Console.WriteLine($"== {bench.Name}");
        bench.Run(Console.Out);
    }
    return;
}
BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AsyncRL.Contracts.Tests.Support;

/// <summary>Sums the counters of one <see cref="Meter"/> instance by instrument and tag values.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new();

    public MetricRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
            foreach (var tag in tags)
            {
                _sums.AddOrUpdate($"{instrument.Name}|{tag.Key}={tag.Value}", value, (_, sum) => sum + value);
            }
        });
        _listener.Start();
    }

    /// <summary>Sum of an instrument, optionally only measurements carrying <paramref name="tag"/> ("key=value").</summary>
    public long Sum(string instrument, string? tag = null) =>
        _sums.TryGetValue(tag is null ? instrument : $"{instrument}|{tag}", out long sum) ? sum : 0;

    public void Dispose() => _listener.Dispose();
}

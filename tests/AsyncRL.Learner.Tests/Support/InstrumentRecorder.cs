using System.Diagnostics.Metrics;

namespace AsyncRL.Learner.Tests.Support;

/// <summary>Listens to one meter instance (not others of the same name in parallel tests) and signals measurements.</summary>
internal sealed class InstrumentRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly List<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];
    private readonly Dictionary<string, TaskCompletionSource> _first = [];

    public InstrumentRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i.Name, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i.Name, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i.Name, v, tags));
        _listener.Start();
    }

    /// <summary>Completes at the first measurement of <paramref name="instrument"/>.</summary>
    public Task FirstAsync(string instrument)
    {
        lock (_lock)
        {
            if (!_first.TryGetValue(instrument, out var tcs))
            {
                _first[instrument] = tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_measurements.Any(m => m.Instrument == instrument)) tcs.TrySetResult();
            }
            return tcs.Task;
        }
    }

    public IReadOnlyList<(double Value, KeyValuePair<string, object?>[] Tags)> Of(string instrument)
    {
        _listener.RecordObservableInstruments();
        lock (_lock)
        {
            return [.. _measurements.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags))];
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_lock)
        {
            _measurements.Add((instrument, value, tags.ToArray()));
            if (_first.TryGetValue(instrument, out var tcs)) tcs.TrySetResult();
        }
    }
}

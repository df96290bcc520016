using System.Threading.Channels;
using AsyncRL.Algorithms;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Learner.Ingestion;

/// <summary>A stored batch on its way to the update loop, with the episodes that finished in it.</summary>
internal sealed record IngestItem(LearnerBatch Batch, IReadOnlyList<EpisodeStats> Episodes);

/// <summary>
/// The bounded queue between the PushSamples streams and the update loop. A stream's ack waits until its
/// batch is in, so a learner that falls behind withholds credits and throttles its actors; nothing is dropped.
/// </summary>
internal sealed class IngestionQueue(int capacity)
{
    private readonly Channel<IngestItem> _channel = Channel.CreateBounded<IngestItem>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    public ChannelReader<IngestItem> Reader => _channel.Reader;

    public int Count => _channel.Reader.Count;

    /// <summary>Enqueues, waiting for room; <paramref name="onWait"/> runs once when it has to wait.</summary>
    /// <exception cref="ChannelClosedException">The node is stopping or the run finished.</exception>
    public async ValueTask EnqueueAsync(IngestItem item, Action onWait, CancellationToken cancellationToken)
    {
        if (_channel.Writer.TryWrite(item)) return;
        onWait();
        await _channel.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>No more batches: waiting writers fail, the reader drains what is there.</summary>
    public void Close() => _channel.Writer.TryComplete();
}

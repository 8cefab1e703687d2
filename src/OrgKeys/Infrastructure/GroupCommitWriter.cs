using System.Threading.Channels;

namespace OrgKeys.Infrastructure;

/// <summary>
/// Group commit: requests queue what they want stored and one writer takes everything queued (up to
/// <see cref="MaxBatch"/>) into one <see cref="WriteAsync"/>, so a burst costs one transaction and one
/// fsync instead of one each. Each item carries the completion its request awaits; what is queued when
/// the service stops is still written.
/// </summary>
public abstract class GroupCommitWriter<TPending> : BackgroundService
{
    private const int MaxBatch = 256;
    private readonly Channel<TPending> _queue = Channel.CreateUnbounded<TPending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>False once the service is stopping: the caller fails its request instead of waiting.</summary>
    protected bool Enqueue(TPending pending) => _queue.Writer.TryWrite(pending);

    /// <summary>Stores one batch and completes every item in it, with a result or an error; never throws.</summary>
    protected abstract Task WriteAsync(List<TPending> batch);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<TPending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                await WriteAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await WriteAsync(batch);
        }
    }
}

using System.Net;

namespace KvsProducer.Service;

/// <summary>
/// An HttpContent whose body is written by the caller while the request is in flight: SerializeToStreamAsync hands
/// over the request stream and waits until the caller completes the body.
/// </summary>
internal sealed class DuplexBodyContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The request body stream, once the handler starts sending the body.</summary>
    public Task<Stream> Stream => _stream.Task;

    public void Complete() => _completed.TrySetResult();

    public void Abort(Exception reason)
    {
        _stream.TrySetException(reason);
        _completed.TrySetException(reason);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        try
        {
            await _completed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The handler cancels the body when the request fails; returning lets it report the real cause
            // (a cancellation here would surface instead of, e.g., the server's HTTP_1_1_REQUIRED).
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

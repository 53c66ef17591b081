namespace KvsProducer;

/// <summary>A problem the uploader met and is recovering from (or, when <see cref="IsFatal"/>, gave up on).</summary>
public sealed class StreamErrorEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    public StreamErrorEventArgs(Exception error, bool isFatal, TimeSpan retryIn)
    {
        Error = error;
        IsFatal = isFatal;
        RetryIn = retryIn;
    }

    /// <summary>What went wrong (a KinesisVideoServiceException carries the service's error type and request id).</summary>
    public Exception Error { get; }

    /// <summary>True when the stream stopped uploading: the error cannot be fixed by retrying (e.g. the stream does not exist).</summary>
    public bool IsFatal { get; }

    /// <summary>When the next attempt starts (zero = now).</summary>
    public TimeSpan RetryIn { get; }
}

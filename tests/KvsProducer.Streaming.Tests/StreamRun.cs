using System.Collections.Concurrent;

namespace KvsProducer.Streaming.Tests;

/// <summary>A stream being fed a recorded clip at a chosen pace, with every event it raised kept for assertions.</summary>
internal sealed class StreamRun
{
    private StreamRun(KinesisVideoStream stream)
    {
        Stream = stream;
        stream.FragmentAcknowledged += (_, ack) => Acks.Add(ack);
        stream.ErrorOccurred += (_, e) => Errors.Add(e);
        stream.FramesDropped += (_, e) => Drops.Add(e);
    }

    public KinesisVideoStream Stream { get; }

    public ConcurrentQueue<FragmentAck> AcksInOrder { get; } = new();

    public ConcurrentBag<FragmentAck> Acks { get; } = [];

    public ConcurrentBag<StreamErrorEventArgs> Errors { get; } = [];

    public ConcurrentBag<FramesDroppedEventArgs> Drops { get; } = [];

    /// <summary>Frames the stream accepted (PutFrame returned true).</summary>
    public int Accepted { get; private set; }

    /// <summary>Frames the buffer refused (PutFrame returned false, not a skip before a key frame): FramesDropped reports them too.</summary>
    public int RefusedByBuffer { get; private set; }

    /// <summary>Wall-clock start of the clip, as a time since the Unix epoch (whole milliseconds).</summary>
    public TimeSpan Start { get; } = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    public static StreamRun Of(KinesisVideoStream stream) => new(stream);

    /// <summary>Puts <paramref name="count"/> frames, <paramref name="pace"/> apart (the clip's own rate is 40 ms).</summary>
    public async Task PutAsync(int count, TimeSpan pace, CancellationToken cancellationToken, int offset = 0)
    {
        foreach (var frame in RecordedClip.Frames(Start, count, offset))
        {
            var skipped = Stream.FramesSkipped;
            var accepted = Stream.Definition.Mode == StreamingMode.Offline
                ? await Stream.PutFrameAsync(frame, cancellationToken)
                : Stream.PutFrame(frame);
            Accepted += accepted ? 1 : 0;
            RefusedByBuffer += !accepted && Stream.FramesSkipped == skipped ? 1 : 0;

            await Task.Delay(pace, cancellationToken);
        }
    }

    /// <summary>The cluster timecodes (ms since the epoch) of fragments 0..n-1 of the clip: one per second.</summary>
    public IEnumerable<double> ExpectedFragmentTimes(int fragments) =>
        Enumerable.Range(0, fragments).Select(i => Start.TotalMilliseconds + 1000 * i);

    public async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}

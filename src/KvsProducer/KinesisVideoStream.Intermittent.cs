using KvsProducer.Buffering;
using KvsProducer.Intermittent;
using KvsProducer.Mkv;

namespace KvsProducer;

/// <summary>The intermittent-producer part of a stream: the open fragment ends after <see cref="StreamDefinition.IdleFragmentTimeout"/> without frames.</summary>
public sealed partial class KinesisVideoStream
{
    private static readonly int EndOfFragmentLength = MkvTagsWriter.TagsLength(MkvTagsWriter.EndOfFragmentTagName.Length, 0);

    private readonly IdleFragmentWatch? _idleWatch;

    // Written under the put gate by the frame last stored.
    private long _lastFrameTimestamp;
    private TimeSpan _lastFrameEnd;
    private TimeSpan _lastFrameDecodingEnd;
    private long _idleFragmentsEnded;

    /// <summary>Fragments ended because no frame came for <see cref="StreamDefinition.IdleFragmentTimeout"/>.</summary>
    public long IdleFragmentsEnded => Interlocked.Read(ref _idleFragmentsEnded);

    private IdleFragmentWatch? StartIdleWatch(TimeProvider clock) =>
        Definition.IdleFragmentTimeout > TimeSpan.Zero ? new IdleFragmentWatch(Definition.IdleFragmentTimeout, clock, EndIdleFragmentAsync) : null;

    private void RememberFrameForIdleWatch(in Frame frame)
    {
        if (_idleWatch is not null)
        {
            _lastFrameTimestamp = _idleWatch.Now();
            _lastFrameEnd = frame.PresentationTime + frame.Duration;
            _lastFrameDecodingEnd = frame.DecodingTime + frame.Duration;
        }
    }

    /// <summary>
    /// Ends the open fragment with the end-of-fragment tag when no frame came for the idle time. The tag is
    /// stored as a record of its own after the last frame (as the PIC stores its EoFR frame,
    /// Stream.c putFrame FRAME_FLAG_END_OF_FRAGMENT), so resends after a reconnect carry it too.
    /// Skips the check while a frame is being put (the stream is not idle then).
    /// </summary>
    private async Task EndIdleFragmentAsync()
    {
        try
        {
            if (_stopped || !await _putGate.WaitAsync(0).ConfigureAwait(false))
            {
                return;
            }
        }
        catch (ObjectDisposedException)
        {
            return; // the stream was disposed while the timer fired
        }

        try
        {
            if (_stopped || !_fragmenter.FragmentOpen || !_idleWatch!.IsIdleSince(_lastFrameTimestamp))
            {
                return;
            }

            var info = new FrameInfo(_lastFrameEnd, _lastFrameDecodingEnd, TimeSpan.Zero, FrameFlags.EndOfFragment, StartsFragment: false, FragmentTimecode: 0);
            var reserved = Definition.Mode == StreamingMode.Offline
                ? await _view.BeginFrameAsync(info, EndOfFragmentLength).ConfigureAwait(false)
                : _view.TryBeginFrame(info, EndOfFragmentLength);
            if (!reserved)
            {
                return; // the buffer refused even the tag (and said so); the next key frame ends the fragment
            }

            _fragmenter.CompleteFragment(_view.Writer);
            _view.CommitFrame();
            Interlocked.Increment(ref _idleFragmentsEnded);
        }
        finally
        {
            _putGate.Release();
        }
    }
}

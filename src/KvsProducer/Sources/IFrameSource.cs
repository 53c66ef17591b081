namespace KvsProducer.Sources;

/// <summary>Something that yields encoded frames in decoding order: a file, a frame directory, a camera.</summary>
public interface IFrameSource : IAsyncDisposable
{
    /// <summary>The track the frames belong to (codec, codec private data if known, NAL format).</summary>
    TrackDefinition Track { get; }

    /// <summary>
    /// True when the source delivers frames at their own pace (a camera, an RTSP feed); false when it
    /// can be read as fast as the disk or the encoder allows (a file, a test pattern). A non-live source
    /// stamped with the wall clock must be paced to real time, or its timestamps run ahead of the clock
    /// and Kinesis Video Streams refuses the fragments (ERROR 4007, timestamp in the future).
    /// Defaults to true (never paced, as before this property existed): a file-like source says false.
    /// </summary>
    bool IsLive => true;

    /// <summary>
    /// The frames, in decoding order. A frame's bytes are valid until the enumerator moves on: package or
    /// copy them before asking for the next one.
    /// </summary>
    IAsyncEnumerable<Frame> ReadFramesAsync(CancellationToken cancellationToken = default);
}

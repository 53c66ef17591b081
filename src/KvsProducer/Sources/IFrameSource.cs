namespace KvsProducer.Sources;

/// <summary>Something that yields encoded frames in decoding order: a file, a frame directory, a camera.</summary>
public interface IFrameSource : IAsyncDisposable
{
    /// <summary>The track the frames belong to (codec, codec private data if known, NAL format).</summary>
    TrackDefinition Track { get; }

    /// <summary>
    /// The frames, in decoding order. A frame's bytes are valid until the enumerator moves on: package or
    /// copy them before asking for the next one.
    /// </summary>
    IAsyncEnumerable<Frame> ReadFramesAsync(CancellationToken cancellationToken = default);
}

using System.Runtime.CompilerServices;
using KvsProducer.Nal;

namespace KvsProducer.Sources;

/// <summary>
/// <c>file:clip.h264?fps=25</c> / <c>file:clip.h265?fps=25</c>: a raw Annex-B elementary stream, read one
/// access unit at a time (the file is never loaded whole).
/// </summary>
internal sealed class AnnexBFileSource : IFrameSource
{
    private readonly string _path;
    private readonly double _framesPerSecond;
    private readonly TimeSpan _start;

    public AnnexBFileSource(string path, VideoCodec codec, double framesPerSecond, TimeSpan start)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Source file '{path}' does not exist: check the path after 'file:'.", path);
        }

        _path = path;
        _framesPerSecond = framesPerSecond;
        _start = start;
        Track = new TrackDefinition { Codec = codec };
    }

    public TrackDefinition Track { get; }

    /// <summary>A file reads as fast as the disk allows.</summary>
    public bool IsLive => false;

    public async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var framer = new AccessUnitFramer(Track.Codec, _framesPerSecond, _start);
        var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        using var reader = new AnnexBAccessUnitReader(stream, Track.Codec);
        while (await reader.ReadNextAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return framer.Next(reader.AccessUnit);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

using System.Buffers;
using System.Runtime.CompilerServices;

namespace KvsProducer.Sources;

/// <summary>
/// <c>frames:DIR?fps=25</c>: one Annex-B access unit per file, in file-name order — the layout the
/// official KVS SDK samples ship their sample frames in.
/// </summary>
internal sealed class FrameDirectorySource : IFrameSource
{
    private readonly string[] _files;
    private readonly double _framesPerSecond;
    private readonly TimeSpan _start;

    public FrameDirectorySource(string directory, VideoCodec codec, double framesPerSecond, TimeSpan start)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Frame directory '{directory}' does not exist: check the path after 'frames:'.");
        }

        _files = Directory.GetFiles(directory);
        Array.Sort(_files, StringComparer.Ordinal);
        if (_files.Length == 0)
        {
            throw new InvalidDataException($"Frame directory '{directory}' holds no files: put one Annex-B frame per file in it (e.g. frame-0001.h264).");
        }

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
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            foreach (var file in _files)
            {
                var length = checked((int)new FileInfo(file).Length);
                if (length > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(length);
                }

                await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true))
                {
                    await stream.ReadExactlyAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                }

                if (length == 0)
                {
                    throw new InvalidDataException($"Frame file '{file}' is empty: every file must hold one encoded frame.");
                }

                yield return framer.Next(buffer.AsMemory(0, length));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

using System.Runtime.CompilerServices;
using KvsProducer.Media;
using KvsProducer.Sources;

namespace KvsProducer.Cli;

/// <summary>
/// A raw video input and an audio file read side by side, their frames merged in decoding-time order
/// (the fragmenter's one timeline): video as track 1, audio as track 2, the audio stamped from
/// <paramref name="audioStart"/> (where the video's first frame is). Leases stay valid: only the
/// source whose frame was handed out moves on.
/// </summary>
internal sealed class AudioVideoSource(IFrameSource video, MediaSource audio, TimeSpan audioStart) : IFrameSource
{
    private const int AudioTrackNumber = 2;

    public TrackDefinition Track => video.Track;

    public TrackDefinition AudioTrack { get; } = audio.Track with { TrackNumber = AudioTrackNumber, TrackUid = AudioTrackNumber };

    public bool IsLive => video.IsLive;

    public async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var videoFrames = video.ReadFramesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using var audioFrames = audio.ReadFramesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        bool hasVideo = await videoFrames.MoveNextAsync().ConfigureAwait(false);
        bool hasAudio = await audioFrames.MoveNextAsync().ConfigureAwait(false);
        while (hasVideo || hasAudio)
        {
            if (hasVideo && (!hasAudio || videoFrames.Current.DecodingTime <= audioFrames.Current.DecodingTime + audioStart))
            {
                yield return videoFrames.Current;
                hasVideo = await videoFrames.MoveNextAsync().ConfigureAwait(false);
                continue;
            }

            Frame a = audioFrames.Current;
            yield return new Frame(a.Data, a.PresentationTime + audioStart, a.DecodingTime + audioStart, a.Duration, a.Flags, AudioTrackNumber);
            hasAudio = await audioFrames.MoveNextAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await video.DisposeAsync().ConfigureAwait(false);
        await audio.DisposeAsync().ConfigureAwait(false);
    }
}

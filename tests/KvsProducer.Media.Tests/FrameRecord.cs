namespace KvsProducer.Media.Tests;

/// <summary>A frame copied out of its lease, so tests can look at it after the source moved on.</summary>
internal sealed record FrameRecord(byte[] Data, TimeSpan PresentationTime, TimeSpan DecodingTime, TimeSpan Duration, bool IsKeyFrame, int TrackNumber = 1)
{
    public static FrameRecord Of(in Frame frame) =>
        new(frame.Data.ToArray(), frame.PresentationTime, frame.DecodingTime, frame.Duration, frame.IsKeyFrame, frame.TrackNumber);

    public static async Task<List<FrameRecord>> ReadAsync(MediaSource source, int max = int.MaxValue, CancellationToken cancellationToken = default)
    {
        var frames = new List<FrameRecord>();
        await foreach (Frame frame in source.ReadFramesAsync(cancellationToken))
        {
            frames.Add(Of(frame));
            if (frames.Count >= max)
            {
                break;
            }
        }

        return frames;
    }
}

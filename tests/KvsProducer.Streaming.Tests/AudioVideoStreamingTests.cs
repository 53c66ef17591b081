namespace KvsProducer.Streaming.Tests;

/// <summary>An H.264 + AAC stream through the buffer and PutMedia to the local endpoint, which checks every track.</summary>
public class AudioVideoStreamingTests
{
    private static readonly TimeSpan AacFrame = TimeSpan.FromTicks(1024 * TimeSpan.TicksPerSecond / 48000);

    /// <summary>The raw AAC access units of tests/data/aac-48k-stereo.adts (7-byte ADTS headers stripped).</summary>
    private static List<byte[]> AacUnits()
    {
        var bytes = File.ReadAllBytes(RecordedClip.PathOf("aac-48k-stereo.adts"));
        var units = new List<byte[]>();
        for (var at = 0; at < bytes.Length;)
        {
            var length = ((bytes[at + 3] & 0x03) << 11) | (bytes[at + 4] << 3) | (bytes[at + 5] >> 5);
            units.Add(bytes[(at + 7)..(at + length)]);
            at += length;
        }

        return units;
    }

    [Test, CancelAfter(60_000)]
    public async Task Video_and_aac_frames_are_all_persisted_in_fragments_cut_at_video_key_frames(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        var definition = new StreamDefinition("av") { CreateIfMissing = true, Tracks = [TrackDefinition.H264Video(), TrackDefinition.AacAudio(48000, 2)] };
        await using var stream = await producer.StartStreamAsync(definition, cancellationToken);
        var start = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var audio = AacUnits().Select((unit, i) => new Frame(unit, start + (AacFrame * i), AacFrame, FrameFlags.None, 2));
        var frames = RecordedClip.Frames(start, 75).Concat(audio).OrderBy(f => f.DecodingTime).ThenBy(f => f.TrackNumber).ToList();

        foreach (var frame in frames)
        {
            Assert.That(stream.PutFrame(frame), Is.True);
        }

        await stream.StopAsync(cancellationToken);

        Assert.That(await local.ListFragmentsAsync("av"), Has.Count.EqualTo(3));
        Assert.That(stream.GetMetrics().PersistedFrames, Is.EqualTo(frames.Count));
    }
}

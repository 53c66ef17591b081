namespace KvsProducer.Tests;

public class TrackDefinitionTests
{
    [Test]
    public void H264_track_has_the_official_sdk_defaults()
    {
        var track = TrackDefinition.H264Video();
        Assert.That(track.CodecId, Is.EqualTo("V_MPEG4/ISO/AVC"));
        Assert.That(track.Name, Is.EqualTo("kvs_video_track"));
        Assert.That(track.TrackNumber, Is.EqualTo(1));
        Assert.That(track.ContentType, Is.EqualTo("video/h264"));
    }

    [Test]
    public void H265_track_uses_the_hevc_codec_id()
    {
        Assert.That(TrackDefinition.H265Video().CodecId, Is.EqualTo("V_MPEGH/ISO/HEVC"));
    }

    [Test]
    public void Validation_names_the_zero_track_uid_and_what_to_use()
    {
        var error = Assert.Throws<ArgumentException>(() => (TrackDefinition.H264Video() with { TrackUid = 0 }).Validate());
        Assert.That(error!.Message, Does.Contain("TrackUid must not be 0"));
    }

    [Test]
    public void Validation_refuses_a_name_longer_than_32_bytes()
    {
        var error = Assert.Throws<ArgumentException>(() => (TrackDefinition.H264Video() with { Name = new string('x', 33) }).Validate());
        Assert.That(error!.Message, Does.Contain("33 bytes"));
    }
}

using System.Buffers;

namespace KvsProducer.Tests.Mkv;

/// <summary>Every refused frame gets its own reason and a message saying what to do, and leaves output and state untouched.</summary>
public class MkvFragmenterRejectionTests
{
    private static readonly TimeSpan Epoch = TimeSpan.FromSeconds(1_700_000_000);
    private static readonly TimeSpan FrameTime = TimeSpan.FromMilliseconds(40);

    private MkvFragmenter _fragmenter = null!;
    private ArrayBufferWriter<byte> _output = null!;
    private Frame[] _frames = null!;

    [SetUp]
    public void StartStreamWithTwoFrames()
    {
        _fragmenter = new MkvFragmenter(new MkvFragmenterOptions { MaxFrameSize = 200_000 });
        _output = new ArrayBufferWriter<byte>();
        _frames = RecordedFrames.H264VgaFrames(Epoch, 30);
        _fragmenter.Write(_frames[0], _output);
        _fragmenter.Write(_frames[1], _output);
    }

    private FrameRejectedException Refused(Frame frame, FrameRejectionReason reason)
    {
        var before = _output.WrittenCount;
        var error = Assert.Throws<FrameRejectedException>(() => _fragmenter.Write(frame, _output))!;
        Assert.That(error.Reason, Is.EqualTo(reason), error.Message);
        Assert.That(_output.WrittenCount, Is.EqualTo(before), "a refused frame writes nothing");

        // And the stream goes on: the next good frame is accepted.
        Assert.That(_fragmenter.Write(_frames[2], _output), Is.EqualTo(FramePackagingOutcome.Written));
        return error;
    }

    [Test]
    public void A_decoding_time_that_does_not_increase_is_refused()
    {
        var error = Refused(new Frame(_frames[2].Data, Epoch + FrameTime, FrameTime, FrameFlags.None), FrameRejectionReason.TimestampNotIncreasing);
        Assert.That(error.Message, Does.Contain("not after the previous frame"));
    }

    [Test]
    public void A_frame_starting_inside_the_previous_one_is_refused()
    {
        var error = Refused(new Frame(_frames[2].Data, Epoch + FrameTime + TimeSpan.FromMilliseconds(10), FrameTime, FrameFlags.None), FrameRejectionReason.TimestampOverlap);
        Assert.That(error.Message, Does.Contain("inside the previous frame"));
    }

    [Test]
    public void Presentation_before_decoding_is_refused()
    {
        Refused(new Frame(_frames[2].Data, Epoch, Epoch + 2 * FrameTime, FrameTime, FrameFlags.None), FrameRejectionReason.InvalidTimestamp);
    }

    [Test]
    public void An_empty_frame_is_refused()
    {
        Refused(new Frame(ReadOnlyMemory<byte>.Empty, Epoch + 2 * FrameTime, FrameTime, FrameFlags.None), FrameRejectionReason.EmptyFrame);
    }

    [Test]
    public void A_frame_over_the_maximum_size_is_refused()
    {
        var error = Refused(new Frame(new byte[200_001], Epoch + 2 * FrameTime, FrameTime, FrameFlags.None), FrameRejectionReason.FrameTooLarge);
        Assert.That(error.Message, Does.Contain("MaxFrameSize is 200000"));
    }

    [Test]
    public void Garbage_bytes_are_refused_as_malformed_nal_units()
    {
        var garbage = new byte[1000];
        new Random(7).NextBytes(garbage);
        garbage[0] = 0x47; // never a start code
        var error = Refused(new Frame(garbage, Epoch + 2 * FrameTime, FrameTime, FrameFlags.None), FrameRejectionReason.MalformedNalUnits);
        Assert.That(error.Message, Does.Contain("not a start code"));
    }

    [Test]
    public void A_frame_for_an_undeclared_track_is_refused()
    {
        Refused(new Frame(_frames[2].Data, Epoch + 2 * FrameTime, FrameTime, FrameFlags.None, trackNumber: 2), FrameRejectionReason.UnknownTrack);
    }

    [Test]
    public void A_key_frame_shown_before_the_end_of_the_previous_fragment_is_refused()
    {
        // The P frame decoded second is shown at +200 ms; a key frame shown at +80 ms would start a
        // fragment that overlaps the previous one, which the service refuses (4004).
        var fragmenter = new MkvFragmenter(new());
        var output = new ArrayBufferWriter<byte>();
        fragmenter.Write(new Frame(_frames[0].Data, Epoch, Epoch, FrameTime, FrameFlags.KeyFrame), output);
        fragmenter.Write(new Frame(_frames[1].Data, Epoch + TimeSpan.FromMilliseconds(200), Epoch + FrameTime, FrameTime, FrameFlags.None), output);

        var keyFrame = new Frame(_frames[0].Data, Epoch + 2 * FrameTime, FrameTime, FrameFlags.KeyFrame);
        var error = Assert.Throws<FrameRejectedException>(() => fragmenter.Write(keyFrame, output))!;
        Assert.That(error.Reason, Is.EqualTo(FrameRejectionReason.FragmentOverlap));
        Assert.That(error.Message, Does.Contain("4004"));
    }

    [Test]
    public void A_truncated_length_prefixed_frame_is_refused()
    {
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions { Tracks = [TrackDefinition.H264Video() with { NalUnitFormat = NalUnitFormat.LengthPrefixed }] });
        byte[] truncated = [0, 0, 0, 50, 0x65, 0x88, 0x84];
        var error = Assert.Throws<FrameRejectedException>(() => fragmenter.Write(new Frame(truncated, Epoch, FrameTime, FrameFlags.KeyFrame), new ArrayBufferWriter<byte>()))!;
        Assert.That(error.Reason, Is.EqualTo(FrameRejectionReason.MalformedNalUnits));
        Assert.That(error.Message, Does.Contain("declares 50 bytes but 3 remain"));
    }

    [Test]
    public void A_first_key_frame_without_parameter_sets_is_refused_when_the_track_has_no_codec_private_data()
    {
        // Keep only the IDR slice of a real key frame.
        var idrOnly = RecordedFrames.AnnexB(RecordedFrames.NalUnits(_frames[0].Data.ToArray()).Where(nal => (nal[0] & 0x1F) == 5));

        var fragmenter = new MkvFragmenter(new());
        var output = new ArrayBufferWriter<byte>();
        var error = Assert.Throws<FrameRejectedException>(() => fragmenter.Write(new Frame(idrOnly, Epoch, FrameTime, FrameFlags.KeyFrame), output))!;
        Assert.That(error.Reason, Is.EqualTo(FrameRejectionReason.MissingParameterSets));
        Assert.That(output.WrittenCount, Is.Zero);
        Assert.That(fragmenter.Header.IsEmpty, Is.True);
    }
}

using System.Buffers;
using System.Buffers.Binary;
using KvsProducer.Mkv;

namespace KvsProducer.Tests.Mkv;

public class MkvFragmenterTests
{
    private static readonly TimeSpan Epoch = TimeSpan.FromSeconds(1_700_000_000);

    private static (MkvFragmenter Fragmenter, ArrayBufferWriter<byte> Output) Create(MkvFragmenterOptions? options = null) =>
        (new MkvFragmenter(options ?? new MkvFragmenterOptions()), new ArrayBufferWriter<byte>());

    private static void WriteAll(MkvFragmenter fragmenter, IBufferWriter<byte> output, IEnumerable<Frame> frames)
    {
        foreach (var frame in frames)
        {
            fragmenter.Write(frame, output);
        }
    }

    [Test]
    public void Stream_header_matches_the_pic_layout()
    {
        var (fragmenter, output) = Create(new MkvFragmenterOptions { SegmentUid = Enumerable.Range(0x10, 16).Select(i => (byte)i).ToArray() });
        fragmenter.Write(RecordedFrames.H264VgaFrames(Epoch, 1)[0], output);

        var bytes = output.WrittenSpan;
        // kvs-protocol.md §8.3: the 40-byte EBML header and the unknown-size Segment, byte for byte.
        Assert.That(Convert.ToHexString(bytes[..45]), Is.EqualTo(
            "1A45DFA3A3428681014" + "2F7810142F2810442F3810842828" + "86D6174726F736B61428781024285810218538067FF"));
        var mkv = new MkvInspector(bytes);
        var info = mkv.Segment.Child(MkvElementIds.Info)!;
        Assert.That(mkv.Data(info.Child(MkvElementIds.SegmentUid)!).ToArray(), Is.EqualTo(Enumerable.Range(0x10, 16).Select(i => (byte)i).ToArray()));
        Assert.That(mkv.Unsigned(info.Child(MkvElementIds.TimecodeScale)!), Is.EqualTo(1_000_000));
        Assert.That(mkv.Text(info.Child(MkvElementIds.MuxingApp)!), Does.StartWith("KvsProducer "));
        var track = mkv.TrackEntry;
        Assert.That(mkv.Unsigned(track.Child(MkvElementIds.TrackNumber)!), Is.EqualTo(1));
        Assert.That(mkv.Unsigned(track.Child(MkvElementIds.TrackUid)!), Is.EqualTo(1));
        Assert.That(mkv.Text(track.Child(MkvElementIds.CodecId)!), Is.EqualTo("V_MPEG4/ISO/AVC"));
        Assert.That(mkv.Text(track.Child(MkvElementIds.Name)!), Is.EqualTo("kvs_video_track"));
        var video = track.Child(MkvElementIds.Video)!;
        Assert.That((mkv.Unsigned(video.Child(MkvElementIds.PixelWidth)!), mkv.Unsigned(video.Child(MkvElementIds.PixelHeight)!)), Is.EqualTo((640UL, 480UL)));
        var codecPrivate = mkv.Data(track.Child(MkvElementIds.CodecPrivate)!);
        Assert.That(codecPrivate[0], Is.EqualTo(1), "AVCDecoderConfigurationRecord version");
        Assert.That(fragmenter.Header.Span.SequenceEqual(bytes[..fragmenter.Header.Length]), Is.True);
    }

    [Test]
    public void Segment_uid_is_random_per_stream_unless_given()
    {
        var first = new MkvFragmenter(new()).SegmentUid.ToArray();
        var second = new MkvFragmenter(new()).SegmentUid.ToArray();
        Assert.That(first, Is.Not.EqualTo(second));
        Assert.That(first, Has.Length.EqualTo(16));
    }

    [Test]
    public void Frames_before_the_first_key_frame_are_skipped_and_counted()
    {
        var (fragmenter, output) = Create();
        var frames = RecordedFrames.H264VgaFrames(Epoch, 30);
        var outcomes = frames.Skip(20).Select(f => fragmenter.Write(f, output)).ToList();

        Assert.That(outcomes.Take(5), Is.All.EqualTo(FramePackagingOutcome.SkippedBeforeKeyFrame));
        Assert.That(outcomes[5], Is.EqualTo(FramePackagingOutcome.StartedFragment));
        Assert.That(fragmenter.FramesSkipped, Is.EqualTo(5));
        Assert.That(fragmenter.FramesWritten, Is.EqualTo(5));
    }

    [Test]
    public void Every_key_frame_starts_a_cluster_with_an_absolute_timecode()
    {
        var (fragmenter, output) = Create();
        WriteAll(fragmenter, output, RecordedFrames.H264VgaFrames(Epoch, 75));

        var mkv = new MkvInspector(output.WrittenSpan);
        var clusters = mkv.Clusters.ToList();
        Assert.That(clusters.Select(mkv.ClusterTimecode), Is.EqualTo(new ulong[] { 1_700_000_000_000, 1_700_000_001_000, 1_700_000_002_000 }));
        Assert.That(clusters.Select(c => mkv.Blocks(c).Count()), Is.All.EqualTo(25));
        Assert.That(mkv.Blocks(clusters[1]).Select(b => (int)b.RelativeTimecode), Is.EqualTo(Enumerable.Range(0, 25).Select(i => i * 40)));
        Assert.That(mkv.Blocks(clusters[1]).Select(b => b.IsKey), Is.EqualTo(new[] { true }.Concat(Enumerable.Repeat(false, 24))));
        Assert.That(fragmenter.FragmentsStarted, Is.EqualTo(3));
    }

    [Test]
    public void Relative_timecodes_count_from_the_first_frame()
    {
        var (fragmenter, output) = Create(new MkvFragmenterOptions { Timecodes = FragmentTimecodes.Relative });
        WriteAll(fragmenter, output, RecordedFrames.H264VgaFrames(Epoch, 50));

        var mkv = new MkvInspector(output.WrittenSpan);
        Assert.That(mkv.Clusters.Select(mkv.ClusterTimecode), Is.EqualTo(new ulong[] { 0, 1000 }));
    }

    [Test]
    public void Without_key_frame_fragmentation_a_fragment_lasts_at_least_the_fragment_duration()
    {
        var (fragmenter, output) = Create(new MkvFragmenterOptions { KeyFrameFragmentation = false, FragmentDuration = TimeSpan.FromSeconds(2) });
        WriteAll(fragmenter, output, RecordedFrames.H264VgaFrames(Epoch, 150)); // key frames every second

        var mkv = new MkvInspector(output.WrittenSpan);
        Assert.That(mkv.Clusters.Select(c => mkv.ClusterTimecode(c) - 1_700_000_000_000), Is.EqualTo(new ulong[] { 0, 2000, 4000 }));
    }

    [Test]
    public void A_cluster_ends_before_the_int16_block_timecode_would_overflow()
    {
        var (fragmenter, output) = Create();
        var data = RecordedFrames.H264Vga;
        fragmenter.Write(new Frame(data[0], Epoch, TimeSpan.Zero, FrameFlags.KeyFrame), output);
        fragmenter.Write(new Frame(data[1], Epoch + TimeSpan.FromMilliseconds(32_767), TimeSpan.Zero, FrameFlags.None), output);
        var outcome = fragmenter.Write(new Frame(data[2], Epoch + TimeSpan.FromMilliseconds(32_768), TimeSpan.Zero, FrameFlags.None), output);

        Assert.That(outcome, Is.EqualTo(FramePackagingOutcome.StartedFragment));
        var mkv = new MkvInspector(output.WrittenSpan);
        Assert.That(mkv.Clusters.Select(c => mkv.Blocks(c).Select(b => (int)b.RelativeTimecode).ToArray()), Is.EqualTo(new[] { new[] { 0, 32_767 }, new[] { 0 } }));
    }

    [Test]
    public void Annex_b_start_codes_become_4_byte_length_prefixes_in_the_one_copy()
    {
        var (fragmenter, output) = Create();
        var first = RecordedFrames.H264Vga[0];
        fragmenter.Write(new Frame(first, Epoch, TimeSpan.Zero, FrameFlags.KeyFrame), output);
        // The same slice with a 3-byte and then a 4-byte start code, and trailing zero bytes.
        byte[] slice = [0x41, 0x9A, 0x00, 0x00, 0x03, 0x01, 0x22];
        byte[] annexB = [0, 0, 1, .. slice, 0, 0, 0, 1, .. slice, 0, 0];
        fragmenter.Write(new Frame(annexB, Epoch + TimeSpan.FromMilliseconds(40), TimeSpan.Zero, FrameFlags.None), output);

        var block = new MkvInspector(output.WrittenSpan).Blocks(new MkvInspector(output.WrittenSpan).Clusters.Single()).Last();
        byte[] expected = [0, 0, 0, 7, .. slice, 0, 0, 0, 7, .. slice];
        Assert.That(block.Payload, Is.EqualTo(expected));
    }

    [Test]
    public void Length_prefixed_frames_pass_through_unchanged()
    {
        // Convert a real key frame to length prefixes: the block must carry exactly those bytes.
        var annexB = RecordedFrames.H264Vga[0];
        var units = new FrameNalUnits();
        units.Scan(annexB, NalUnitFormat.AnnexB);
        var lengthPrefixed = new ArrayBufferWriter<byte>();
        units.WriteLengthPrefixed(lengthPrefixed, annexB);
        var track = TrackDefinition.H264Video() with { NalUnitFormat = NalUnitFormat.LengthPrefixed };
        var (fragmenter, output) = Create(new MkvFragmenterOptions { Tracks = [track] });
        fragmenter.Write(new Frame(lengthPrefixed.WrittenMemory, Epoch, TimeSpan.Zero, FrameFlags.KeyFrame), output);

        var mkv = new MkvInspector(output.WrittenSpan);
        Assert.That(mkv.Blocks(mkv.Clusters.Single()).Single().Payload, Is.EqualTo(lengthPrefixed.WrittenSpan.ToArray()));
    }

    [Test]
    public void B_frames_get_presentation_timecodes_relative_to_their_cluster_which_may_be_negative()
    {
        var (fragmenter, output) = Create();
        var data = RecordedFrames.H264Vga;
        var ms = (int m) => TimeSpan.FromMilliseconds(m);
        // Decode order I P B B with presentation order I B B P; the decoder's reorder delay is 80 ms.
        fragmenter.Write(new Frame(data[0], Epoch + ms(80), Epoch, ms(40), FrameFlags.KeyFrame), output);
        fragmenter.Write(new Frame(data[1], Epoch + ms(200), Epoch + ms(40), ms(40), FrameFlags.None), output);
        fragmenter.Write(new Frame(data[2], Epoch + ms(120), Epoch + ms(80), ms(40), FrameFlags.None), output);
        fragmenter.Write(new Frame(data[3], Epoch + ms(160), Epoch + ms(120), ms(40), FrameFlags.None), output);

        var mkv = new MkvInspector(output.WrittenSpan);
        var cluster = mkv.Clusters.Single();
        Assert.That(mkv.ClusterTimecode(cluster), Is.EqualTo(1_700_000_000_080));
        Assert.That(mkv.Blocks(cluster).Select(b => (int)b.RelativeTimecode), Is.EqualTo(new[] { 0, 120, 40, 80 }));
    }

    [Test]
    public void Block_flags_carry_key_invisible_and_discardable()
    {
        var (fragmenter, output) = Create();
        var data = RecordedFrames.H264Vga;
        fragmenter.Write(new Frame(data[0], Epoch, TimeSpan.Zero, FrameFlags.KeyFrame), output);
        fragmenter.Write(new Frame(data[1], Epoch + TimeSpan.FromMilliseconds(40), TimeSpan.Zero, FrameFlags.Invisible | FrameFlags.Discardable), output);

        var mkv = new MkvInspector(output.WrittenSpan);
        Assert.That(mkv.Blocks(mkv.Clusters.Single()).Select(b => b.Flags), Is.EqualTo(new byte[] { 0x80, 0x09 }));
    }

    [Test]
    public void Metadata_goes_before_the_next_cluster_once_and_persistent_metadata_before_every_cluster()
    {
        var (fragmenter, output) = Create();
        var frames = RecordedFrames.H264VgaFrames(Epoch, 75);
        fragmenter.PutFragmentMetadata("camera", "door", persistent: true);
        fragmenter.PutFragmentMetadata("motion", "true");
        WriteAll(fragmenter, output, frames[..25]);
        fragmenter.PutFragmentMetadata("motion", "false");
        WriteAll(fragmenter, output, frames[25..50]);
        fragmenter.PutFragmentMetadata("camera", string.Empty, persistent: true); // cancels
        WriteAll(fragmenter, output, frames[50..]);

        var mkv = new MkvInspector(output.WrittenSpan);
        var clusters = mkv.Clusters.ToList();
        Assert.That(mkv.TagsBefore(clusters[0]), Is.EqualTo(new[] { ("camera", "door"), ("motion", "true") }));
        Assert.That(mkv.TagsBefore(clusters[1]), Is.EqualTo(new[] { ("camera", "door"), ("motion", "false") }));
        Assert.That(mkv.TagsBefore(clusters[2]), Is.Empty);
    }

    [TestCase("AWS_MINE", "x", "reserves")]
    [TestCase("", "x", "empty")]
    public void Metadata_names_breaking_service_rules_are_refused(string name, string value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new MkvFragmenter(new()).PutFragmentMetadata(name, value));
        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void Metadata_longer_than_the_service_limits_is_refused()
    {
        var fragmenter = new MkvFragmenter(new());
        Assert.That(() => fragmenter.PutFragmentMetadata(new string('n', 129), "v"), Throws.ArgumentException.With.Message.Contains("129 bytes"));
        Assert.That(() => fragmenter.PutFragmentMetadata("n", new string('v', 257)), Throws.ArgumentException.With.Message.Contains("257 bytes"));
    }

    [Test]
    public void An_eleventh_metadata_item_for_one_fragment_is_refused()
    {
        var fragmenter = new MkvFragmenter(new());
        for (var i = 0; i < 10; i++)
        {
            fragmenter.PutFragmentMetadata($"item{i}", "v");
        }

        Assert.That(() => fragmenter.PutFragmentMetadata("item10", "v"), Throws.InvalidOperationException.With.Message.Contains("at most 10"));
    }

    [Test]
    public void End_of_fragment_flag_writes_the_end_tag_and_waits_for_a_key_frame()
    {
        var (fragmenter, output) = Create();
        var frames = RecordedFrames.H264VgaFrames(Epoch, 30);
        fragmenter.Write(frames[0], output);
        fragmenter.Write(new Frame(frames[1].Data, frames[1].PresentationTime, frames[1].Duration, FrameFlags.EndOfFragment), output);
        var afterEnd = fragmenter.Write(frames[2], output);

        Assert.That(afterEnd, Is.EqualTo(FramePackagingOutcome.SkippedBeforeKeyFrame));
        var mkv = new MkvInspector(output.WrittenSpan);
        var last = mkv.SegmentChildren[^1];
        Assert.That(mkv.SimpleTags(last).Single(), Is.EqualTo(("AWS_KINESISVIDEO_END_OF_FRAGMENT", "")));
    }

    [Test]
    public void Completing_closes_the_open_fragment_with_the_end_tag()
    {
        var (fragmenter, output) = Create();
        WriteAll(fragmenter, output, RecordedFrames.H264VgaFrames(Epoch, 5));
        fragmenter.CompleteFragment(output);

        var mkv = new MkvInspector(output.WrittenSpan);
        Assert.That(mkv.SimpleTags(mkv.SegmentChildren[^1]).Single().Name, Is.EqualTo("AWS_KINESISVIDEO_END_OF_FRAGMENT"));
    }

    [Test]
    public void H265_frames_get_the_hevc_codec_id_and_configuration_record()
    {
        var data = RecordedFrames.Load("h265-640x480");
        var (fragmenter, output) = Create(new MkvFragmenterOptions { Tracks = [TrackDefinition.H265Video()] });
        fragmenter.Write(new Frame(data[0], Epoch, TimeSpan.Zero, FrameFlags.KeyFrame), output);

        var mkv = new MkvInspector(output.WrittenSpan);
        Assert.That(mkv.Text(mkv.TrackEntry.Child(MkvElementIds.CodecId)!), Is.EqualTo("V_MPEGH/ISO/HEVC"));
        Assert.That(mkv.Data(mkv.TrackEntry.Child(MkvElementIds.CodecPrivate)!)[22], Is.EqualTo(3), "VPS, SPS and PPS arrays");
        Assert.That(fragmenter.PictureSize, Is.EqualTo((640, 480)));
    }

    [Test]
    public void Codec_private_data_given_as_annex_b_parameter_sets_is_converted_to_a_record()
    {
        var keyFrame = RecordedFrames.H264Vga[0];
        var parameterSets = RecordedFrames.AnnexB(RecordedFrames.NalUnits(keyFrame).Where(nal => (nal[0] & 0x1F) is 7 or 8));
        var track = TrackDefinition.H264Video() with { CodecPrivateData = parameterSets };
        var (fragmenter, output) = Create(new MkvFragmenterOptions { Tracks = [track] });
        fragmenter.Write(new Frame(keyFrame, Epoch, TimeSpan.Zero, FrameFlags.KeyFrame), output);
        var fromFrame = Create();
        fromFrame.Fragmenter.Write(new Frame(keyFrame, Epoch, TimeSpan.Zero, FrameFlags.KeyFrame), fromFrame.Output);

        var mkv = new MkvInspector(output.WrittenSpan);
        var expected = new MkvInspector(fromFrame.Output.WrittenSpan);
        Assert.That(mkv.Data(mkv.TrackEntry.Child(MkvElementIds.CodecPrivate)!).ToArray(),
            Is.EqualTo(expected.Data(expected.TrackEntry.Child(MkvElementIds.CodecPrivate)!).ToArray()));
    }

    [Test]
    public void Output_is_the_same_when_the_writer_hands_out_short_spans()
    {
        var frames = RecordedFrames.H264VgaFrames(Epoch, 60);
        var options = new MkvFragmenterOptions { SegmentUid = new byte[16] };
        var (contiguous, contiguousOutput) = Create(options);
        WriteAll(contiguous, contiguousOutput, frames);
        var segmented = new MkvFragmenter(options);
        var segmentedOutput = new ShortSpanWriter(segmentLength: 100);
        WriteAll(segmented, segmentedOutput, frames);

        Assert.That(segmentedOutput.Written.ToArray(), Is.EqualTo(contiguousOutput.WrittenSpan.ToArray()));
    }

    [Test]
    public void Steady_state_packaging_allocates_nothing_per_frame()
    {
        var fragmenter = new MkvFragmenter(new());
        var output = new ReusableBufferWriter(4 << 20);
        var frames = RecordedFrames.H264VgaFrames(Epoch, 600);
        WriteAll(fragmenter, output, frames[..100]); // warm up: header, arrays, JIT
        output.Reset();

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var frame in frames.AsSpan(100))
        {
            fragmenter.Write(frame, output);
            if (output.WrittenCount > 3 << 20)
            {
                output.Reset();
            }
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    /// <summary>An IBufferWriter over one array that can start over: no allocation of its own.</summary>
    private sealed class ReusableBufferWriter(int capacity) : IBufferWriter<byte>
    {
        private readonly byte[] _buffer = new byte[capacity];

        public int WrittenCount { get; private set; }

        public void Reset() => WrittenCount = 0;

        public void Advance(int count) => WrittenCount += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(WrittenCount);

        public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(WrittenCount);
    }

    /// <summary>Hands out spans no longer than a segment (but at least the size asked): how a segmented store behaves.</summary>
    private sealed class ShortSpanWriter(int segmentLength) : IBufferWriter<byte>
    {
        private byte[] _current = [];

        public List<byte> Written { get; } = [];

        public void Advance(int count)
        {
            Written.AddRange(_current.AsSpan(0, count));
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, segmentLength)];

        public Span<byte> GetSpan(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, segmentLength)];
    }
}

using System.Buffers;
using System.Buffers.Binary;
using KvsProducer.Mkv;

namespace KvsProducer.Tests.Mkv;

/// <summary>
/// Our A/V MKV, built from recorded frames (tests/data h264-640x480 + aac-48k-stereo.adts, and g711a-8k-mono.alaw),
/// checked element by element against the structure the official C SDK's MKV generator (the KVS PIC,
/// awslabs/amazon-kinesis-video-streams-pic, src/mkvgen/src) writes for the same inputs. Expected values come from
/// that source, cited per check. Where we differ on purpose, the test pins our value and docs/parity-mkv.md says why.
/// </summary>
public class OfficialSdkParityTests
{
    private static readonly TimeSpan Epoch = TimeSpan.FromSeconds(1_700_000_000);

    private static Frame[] Interleave(params Frame[][] tracks) =>
        tracks.SelectMany(t => t).OrderBy(f => f.DecodingTime).ThenBy(f => f.TrackNumber).ToArray();

    /// <summary>75 video frames (3 GOPs) and the AAC frames over the same time, as the C SDK's A/V sample puts them: audio without the key flag.</summary>
    private static (Frame[] Frames, byte[] Mkv) AacStream()
    {
        var video = RecordedFrames.H264VgaFrames(Epoch, 75);
        var audio = RecordedAudio.AacFrames.Take(140)
            .Select((unit, i) => new Frame(unit, Epoch + (RecordedAudio.AacFrameDuration * i), RecordedAudio.AacFrameDuration, FrameFlags.None, 2)).ToArray();
        var frames = Interleave(video, audio);
        return (frames, Package([TrackDefinition.H264Video(), TrackDefinition.AacAudio(48000, 2)], frames));
    }

    private static byte[] Package(IReadOnlyList<TrackDefinition> tracks, IEnumerable<Frame> frames)
    {
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions { Tracks = tracks });
        var output = new ArrayBufferWriter<byte>();
        foreach (var frame in frames)
        {
            fragmenter.Write(frame, output);
        }

        fragmenter.CompleteFragment(output);
        return output.WrittenSpan.ToArray();
    }

    [Test]
    public void The_ebml_header_is_byte_for_byte_the_pics()
    {
        // MkvStatics.c gMkvHeaderBits: EBMLVersion 1, ReadVersion 1, MaxIDLength 4, MaxSizeLength 8, DocType matroska, DocTypeVersion 2, ReadVersion 2.
        byte[] pic =
        [
            0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0xF2, 0x81, 0x04, 0x42, 0xF3, 0x81, 0x08,
            0x42, 0x82, 0x88, 0x6D, 0x61, 0x74, 0x72, 0x6F, 0x73, 0x6B, 0x61, 0x42, 0x87, 0x81, 0x02, 0x42, 0x85, 0x81, 0x02,
        ];
        // MkvStatics.c gMkvSegmentHeaderBits: Segment of unknown size (one byte FF).
        byte[] segment = [0x18, 0x53, 0x80, 0x67, 0xFF];

        var (_, mkv) = AacStream();

        Assert.That(mkv[..pic.Length], Is.EqualTo(pic));
        Assert.That(mkv[pic.Length..(pic.Length + segment.Length)], Is.EqualTo(segment));
    }

    [Test]
    public void Segment_info_has_the_pics_children_in_the_pics_order_with_a_1_ms_timecode_scale()
    {
        // MkvStatics.c gMkvSegmentInfoBits + MkvGenerator.c mkvgenEbmlEncodeSegmentInfo: SegmentUID (16 bytes),
        // TimecodeScale (8-byte, ns), Title, MuxingApp, WritingApp. Stream.h DEFAULT_MKV_TIMECODE_SCALE = 1 ms.
        var mkv = new MkvInspector(AacStream().Mkv);
        var info = mkv.Segment.Child(MkvElementIds.Info)!;

        Assert.That(info.Children.Select(c => c.Id), Is.EqualTo(new[] { MkvElementIds.SegmentUid, MkvElementIds.TimecodeScale, MkvElementIds.Title, MkvElementIds.MuxingApp, MkvElementIds.WritingApp }));
        Assert.That(info.Child(MkvElementIds.SegmentUid)!.Size, Is.EqualTo(16));
        Assert.That(mkv.Unsigned(info.Child(MkvElementIds.TimecodeScale)!), Is.EqualTo(1_000_000));
        // Differs (docs/parity-mkv.md #1): the PIC writes "Kinesis Video SDK" / "Kinesis Video SDK 1.1.0 <clientId>".
        Assert.That(mkv.Text(info.Child(MkvElementIds.MuxingApp)!), Does.StartWith("KvsProducer "));
        // The Segment's children: Info, Tracks, then clusters and tags; no SeekHead, Cues, Void (kvs-protocol.md §6.3 item 5).
        Assert.That(mkv.SegmentChildren.Take(3).Select(c => c.Id), Is.EqualTo(new[] { MkvElementIds.Info, MkvElementIds.Tracks, MkvElementIds.Cluster }));
        Assert.That(mkv.SegmentChildren.Select(c => c.Id).Distinct(), Is.EquivalentTo(new[] { MkvElementIds.Info, MkvElementIds.Tracks, MkvElementIds.Cluster, MkvElementIds.Tags }));
    }

    [Test]
    public void Track_entries_match_the_pics_for_h264_and_aac()
    {
        // MkvGenerator.c mkvgenEbmlEncodeTrackInfo: TrackNumber = index + 1, TrackUID = trackId (C SDK defaults
        // DEFAULT_VIDEO_TRACK_ID 1, DEFAULT_AUDIO_TRACK_ID 2), TrackType, Name, CodecID, then Video or Audio, then CodecPrivate.
        var mkv = new MkvInspector(AacStream().Mkv);
        var entries = mkv.Segment.Child(MkvElementIds.Tracks)!.ChildrenWithId(MkvElementIds.TrackEntry).ToList();
        uint[] order = [MkvElementIds.TrackNumber, MkvElementIds.TrackUid, MkvElementIds.TrackType, MkvElementIds.Name, MkvElementIds.CodecId];

        Assert.That(entries, Has.Count.EqualTo(2));
        var video = entries[0];
        Assert.That(video.Children.Select(c => c.Id), Is.EqualTo(order.Concat([MkvElementIds.Video, MkvElementIds.CodecPrivate])));
        Assert.That(Values(mkv, video), Is.EqualTo((1UL, 1UL, 1UL, "kvs_video_track", "V_MPEG4/ISO/AVC")));
        // SpsParser.c getVideoWidthAndHeightFromH264Sps → PixelWidth/PixelHeight (MkvStatics.c gMkvTrackVideoBits).
        var picture = video.Child(MkvElementIds.Video)!;
        Assert.That((mkv.Unsigned(picture.Child(MkvElementIds.PixelWidth)!), mkv.Unsigned(picture.Child(MkvElementIds.PixelHeight)!)), Is.EqualTo((640UL, 480UL)));
        // NalAdapter.c adaptH264CpdNalsFromAnnexBToAvcc: AVCDecoderConfigurationRecord version 1, profile/compat/level from the SPS, FF (4-byte lengths), E1 (one SPS).
        var avcc = mkv.Data(video.Child(MkvElementIds.CodecPrivate)!).ToArray();
        var sps = RecordedFrames.NalUnits(RecordedFrames.H264Vga[0]).First(n => (n[0] & 0x1F) == 7);
        Assert.That(avcc[..6], Is.EqualTo(new byte[] { 1, sps[1], sps[2], sps[3], 0xFF, 0xE1 }));

        var audio = entries[1];
        Assert.That(audio.Children.Select(c => c.Id), Is.EqualTo(order.Concat([MkvElementIds.Audio, MkvElementIds.CodecPrivate])));
        Assert.That(Values(mkv, audio), Is.EqualTo((2UL, 2UL, 2UL, "kvs_audio_track", "A_AAC")));
        // mkvgenGenerateAacCpd(AAC_LC=2, 48000, 2): 5 bits object type | 4 bits index 3 (gMkvAACSamplingFrequencies) | 4 bits channels | 000.
        Assert.That(mkv.Data(audio.Child(MkvElementIds.CodecPrivate)!).ToArray(), Is.EqualTo(new byte[] { 0x11, 0x90 }));
        // getSamplingFreqAndChannelFromAacCpd → Audio{SamplingFrequency (8-byte double), Channels}; no BitDepth for AAC (bitDepth 0).
        var settings = audio.Child(MkvElementIds.Audio)!;
        Assert.That(settings.Children.Select(c => c.Id), Is.EqualTo(new[] { MkvElementIds.SamplingFrequency, MkvElementIds.Channels }));
        Assert.That(BinaryPrimitives.ReadDoubleBigEndian(mkv.Data(settings.Child(MkvElementIds.SamplingFrequency)!)), Is.EqualTo(48000.0));
        Assert.That(mkv.Unsigned(settings.Child(MkvElementIds.Channels)!), Is.EqualTo(2));
    }

    [Test]
    public void A_g711_track_entry_has_the_pics_waveformatex_layout_and_audio_element()
    {
        // MkvGenerator.c mkvgenGeneratePcmCpd(KVS_PCM_FORMAT_CODE_ALAW, 8000, 1): 18 bytes little-endian WAVEFORMATEX.
        var alaw = RecordedAudio.ALawFrames.Take(50).Select((unit, i) => new Frame(unit, Epoch + TimeSpan.FromMilliseconds(20 * i), TimeSpan.FromMilliseconds(20), FrameFlags.None, 2)).ToArray();
        var frames = Interleave(RecordedFrames.H264VgaFrames(Epoch, 25), alaw);
        var mkv = new MkvInspector(Package([TrackDefinition.H264Video(), TrackDefinition.G711Audio(AudioCodec.ALaw, 8000, 1)], frames));
        var audio = mkv.Segment.Child(MkvElementIds.Tracks)!.ChildrenWithId(MkvElementIds.TrackEntry).ElementAt(1);
        var cpd = mkv.Data(audio.Child(MkvElementIds.CodecPrivate)!).ToArray();

        Assert.That(mkv.Text(audio.Child(MkvElementIds.CodecId)!), Is.EqualTo("A_MS/ACM"));
        Assert.That(cpd, Has.Length.EqualTo(18));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(cpd), Is.EqualTo(6), "wFormatTag: MKV_WAV_FORMAT_ALAW");
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(cpd.AsSpan(2)), Is.EqualTo(1), "nChannels");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(cpd.AsSpan(4)), Is.EqualTo(8000), "nSamplesPerSec");
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(cpd.AsSpan(12)), Is.EqualTo(1), "nBlockAlign = channels, as the PIC");
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(cpd.AsSpan(16)), Is.EqualTo(0), "cbSize");
        // Differs (docs/parity-mkv.md #4): the PIC writes nAvgBytesPerSec = 1000 (channels × rate / 8) and wBitsPerSample 0,
        // so its Audio element has no BitDepth (getAudioConfigFromAmsAcmCpd reads 0); we write the true 8000 and 8.
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(cpd.AsSpan(8)), Is.EqualTo(8000));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(cpd.AsSpan(14)), Is.EqualTo(8));
        var settings = audio.Child(MkvElementIds.Audio)!;
        Assert.That(BinaryPrimitives.ReadDoubleBigEndian(mkv.Data(settings.Child(MkvElementIds.SamplingFrequency)!)), Is.EqualTo(8000.0));
        Assert.That(mkv.Unsigned(settings.Child(MkvElementIds.Channels)!), Is.EqualTo(1));
        Assert.That(mkv.Unsigned(settings.Child(MkvElementIds.BitDepth)!), Is.EqualTo(8));
    }

    [Test]
    public void Clusters_start_at_video_key_frames_with_absolute_timecodes_and_blocks_in_put_order()
    {
        // MkvGenerator.c mkvgenGetStreamState: a key frame starts a cluster (key-frame clustering, the C SDK default);
        // mkvgenEbmlEncodeClusterInfo: Timecode = frame PTS in TimecodeScale units (absoluteFragmentTimes);
        // mkvgenPackageFrame: block timecode = PTS - cluster PTS (int16); blocks in putKinesisVideoFrame order.
        var (frames, bytes) = AacStream();
        var mkv = new MkvInspector(bytes);
        var clusters = mkv.Clusters.ToList();
        var keyFrames = frames.Where(f => f.TrackNumber == 1 && f.IsKeyFrame).ToList();

        Assert.That(clusters.Select(c => mkv.ClusterTimecode(c)), Is.EqualTo(keyFrames.Select(f => (ulong)Timecode(f))));
        var blocks = clusters.SelectMany(c => mkv.Blocks(c).Select(b => (Cluster: c, Block: b))).ToList();
        Assert.That(blocks, Has.Count.EqualTo(frames.Length), "every frame is a block, none skipped (audio starts with the first key frame)");
        for (var i = 0; i < frames.Length; i++)
        {
            var (cluster, block) = blocks[i];
            Assert.That(block.Track, Is.EqualTo(frames[i].TrackNumber), $"block {i}: track in put order");
            Assert.That((long)mkv.ClusterTimecode(cluster) + block.RelativeTimecode, Is.EqualTo(Timecode(frames[i])), $"block {i}: timecode");
            // mkvgenEbmlEncodeSimpleBlock: 0x80 key frame only when the frame says so (audio frames here carry no flag).
            Assert.That(block.IsKey, Is.EqualTo(frames[i].IsKeyFrame), $"block {i}: key flag");
        }

        Assert.That(clusters.Select(c => mkv.Blocks(c).First()).Select(b => (b.Track, b.IsKey, b.RelativeTimecode)), Is.All.EqualTo((1, true, (short)0)), "each cluster opens with its video key frame at offset 0");
    }

    [Test]
    public void The_stream_ends_with_the_pics_end_of_fragment_tag()
    {
        // Stream.h EOFR_METADATA_NAME; MkvGenerator.c mkvgenGenerateTagsChain(MKV_TREE_TAGS): Tags{Tag{SimpleTag{name, ""}}}.
        var mkv = new MkvInspector(AacStream().Mkv);

        Assert.That(mkv.SimpleTags(mkv.SegmentChildren[^1]), Is.EqualTo(new[] { ("AWS_KINESISVIDEO_END_OF_FRAGMENT", "") }));
    }

    // Include_i.h TIMESTAMP_TO_MKV_TIMECODE: integer division of the 100 ns timestamp by the scale (truncation).
    private static long Timecode(Frame frame) => frame.PresentationTime.Ticks / TimeSpan.TicksPerMillisecond;

    private static (ulong, ulong, ulong, string, string) Values(MkvInspector mkv, EbmlNode entry) => (
        mkv.Unsigned(entry.Child(MkvElementIds.TrackNumber)!), mkv.Unsigned(entry.Child(MkvElementIds.TrackUid)!), mkv.Unsigned(entry.Child(MkvElementIds.TrackType)!),
        mkv.Text(entry.Child(MkvElementIds.Name)!), mkv.Text(entry.Child(MkvElementIds.CodecId)!));
}

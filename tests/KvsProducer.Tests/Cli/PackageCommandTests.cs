using KvsProducer.Cli;
using KvsProducer.Cli.Commands;
using KvsProducer.Mkv;
using KvsProducer.Nal;
using KvsProducer.Sources;
using KvsProducer.Tests.Mkv;
using KvsProducer.Tests.Support;

namespace KvsProducer.Tests.Cli;

/// <summary>
/// <c>kvs package</c> on every recorded clip, checked by independent tools: ffprobe (codec, size, frame
/// and key-frame counts, timestamps), ffmpeg decoding without a word on stderr, mkvinfo, our EBML
/// reader, and a round trip of the NAL units back out through ffmpeg.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class PackageCommandTests
{
    public static IEnumerable<TestCaseData> Clips()
    {
        foreach (var (name, codec, width, height) in new[]
        {
            ("h264-640x480", "h264", 640, 480), ("h264-640x480-bframes", "h264", 640, 480),
            ("h264-1280x720", "h264", 1280, 720), ("h264-1280x720-bframes", "h264", 1280, 720),
            ("h264-640x480-slices", "h264", 640, 480), ("h265-640x480", "hevc", 640, 480), ("h265-640x480-bframes", "hevc", 640, 480),
        })
        {
            var extension = codec == "hevc" ? "h265" : "h264";
            yield return new TestCaseData($"file:{name}.{extension}?fps=25", name, codec, width, height).SetArgDisplayNames("file:" + name);
            yield return new TestCaseData($"frames:{name}?fps=25", name, codec, width, height).SetArgDisplayNames("frames:" + name);
        }
    }

    [TestCaseSource(nameof(Clips))]
    public async Task Packaged_clip_is_valid_kvs_mkv_that_independent_tools_read_back_exactly(string source, string clip, string codec, int width, int height)
    {
        var directory = FfmpegTool.CreateTemporaryDirectory();
        try
        {
            var output = Path.Combine(directory, "out.mkv");
            var summary = await Package(source, output);
            var expectedFrames = int.Parse(FfmpegTool.Ffprobe("-count_packets", "-select_streams", "v:0", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", TestData.PathOf(RawFile(clip))).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            var expectedKeyFrames = KeyFrameCount(TestData.PathOf(RawFile(clip)));

            // ffprobe: codec, size, every frame decodable, key frames where they were.
            Assert.That(FfmpegTool.StreamEntry(output, "codec_name"), Is.EqualTo(codec));
            Assert.That(FfmpegTool.StreamEntry(output, "width"), Is.EqualTo(width.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(FfmpegTool.StreamEntry(output, "height"), Is.EqualTo(height.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(int.Parse(FfmpegTool.Ffprobe("-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", output).Trim(), System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(expectedFrames));
            Assert.That(KeyFrameCount(output), Is.EqualTo(expectedKeyFrames));
            Assert.That(FfmpegTool.Ffmpeg("-i", output, "-f", "null", "-"), Is.Empty, "ffmpeg -v error must print nothing");
            Assert.That(FfmpegTool.Run("mkvinfo", [output]).StandardOutput, Does.Not.Contain("Error").And.Contain("Codec ID: V_MPEG"));

            // Our EBML reader: one fragment per key frame, each starting with a key block.
            var mkv = new MkvInspector(File.ReadAllBytes(output));
            Assert.That(mkv.Clusters.Count(), Is.EqualTo(expectedKeyFrames));
            Assert.That(mkv.Clusters.Select(c => mkv.Blocks(c).First().IsKey), Is.All.True);
            Assert.That(summary, Does.Contain($"{expectedFrames} frames in {expectedKeyFrames} fragments"));

            // Round trip: the NAL units ffmpeg extracts from our MKV are the input's, in order.
            var roundTrip = Path.Combine(directory, "back." + (codec == "hevc" ? "h265" : "h264"));
            FfmpegTool.Ffmpeg("-i", output, "-c", "copy", "-bsf:v", codec == "hevc" ? "hevc_mp4toannexb" : "h264_mp4toannexb", "-f", codec, roundTrip);
            // ffmpeg's hevc_mp4toannexb also inserts the CodecPrivate parameter sets before every IRAP
            // picture, so parameter sets are compared as a set and every other NAL unit in sequence.
            var videoCodec = codec == "hevc" ? VideoCodec.H265 : VideoCodec.H264;
            var (backSets, backOthers) = NalUnits(roundTrip, videoCodec);
            var (inputSets, inputOthers) = NalUnits(TestData.PathOf(RawFile(clip)), videoCodec);
            Assert.That(backOthers, Is.EqualTo(inputOthers));
            Assert.That(backSets, Is.EquivalentTo(inputSets));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestCase("h264-640x480-bframes")]
    [TestCase("h264-1280x720-bframes")]
    [TestCase("h265-640x480-bframes")]
    public async Task B_frame_clips_keep_the_encoders_presentation_order(string clip)
    {
        var directory = FfmpegTool.CreateTemporaryDirectory();
        try
        {
            var output = Path.Combine(directory, "out.mkv");
            await Package($"file:{RawFile(clip)}?fps=25", output);

            // The encoder's own timestamps (kept in the .mkv it wrote) are the oracle; ours may be shifted by a constant reorder delay.
            var expected = FfmpegTool.PacketPresentationTimestamps(TestData.PathOf(clip + ".mkv"));
            var actual = FfmpegTool.PacketPresentationTimestamps(output);
            Assert.That(actual.Select(t => t - actual.Min()), Is.EqualTo(expected.Select(t => t - expected.Min())));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Start_time_and_relative_timecodes_set_the_cluster_timecodes()
    {
        var directory = FfmpegTool.CreateTemporaryDirectory();
        try
        {
            var absolute = Path.Combine(directory, "absolute.mkv");
            var relative = Path.Combine(directory, "relative.mkv");
            Assert.That(await Run("--source", $"file:{TestData.PathOf("h264-640x480.h264")}?fps=25", "--output", absolute, "--start-time", "1795618345.43"), Is.Zero);
            Assert.That(await Run("--source", $"file:{TestData.PathOf("h264-640x480.h264")}?fps=25", "--output", relative, "--start-time", "1795618345.43", "--timecodes", "relative", "--timecode-scale", "100us"), Is.Zero);

            var absoluteMkv = new MkvInspector(File.ReadAllBytes(absolute));
            Assert.That(absoluteMkv.Clusters.Select(absoluteMkv.ClusterTimecode), Is.EqualTo(new ulong[] { 1_795_618_345_430, 1_795_618_346_430, 1_795_618_347_430 }));
            var relativeMkv = new MkvInspector(File.ReadAllBytes(relative));
            Assert.That(relativeMkv.Unsigned(relativeMkv.Segment.Child(MkvElementIds.Info)!.Child(MkvElementIds.TimecodeScale)!), Is.EqualTo(100_000));
            Assert.That(relativeMkv.Clusters.Select(relativeMkv.ClusterTimecode), Is.EqualTo(new ulong[] { 0, 10_000, 20_000 }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string RawFile(string clip) => clip + (clip.StartsWith("h265", StringComparison.Ordinal) ? ".h265" : ".h264");

    private static async Task<string> Package(string source, string output)
    {
        var uri = SourceUri.Parse(source.Replace("file:", "file:" + TestData.DataDirectory + "/", StringComparison.Ordinal).Replace("frames:", "frames:" + TestData.DataDirectory + "/", StringComparison.Ordinal));
        await using var frames = new OpenedSource(ElementaryStreamSources.Open(uri, TimeSpan.Zero), TimeSpan.Zero, duration: null);
        return PackageCommand.Summary(await PackageCommand.PackageAsync(frames, new FileInfo(output), new MkvFragmenterOptions(), "kvs_video_track", CancellationToken.None));
    }

    internal static Task<int> Run(params string[] arguments) =>
        KvsProducer.Cli.Program.BuildRoot().Parse(["package", .. arguments]).InvokeAsync();

    private static int KeyFrameCount(string path) =>
        FfmpegTool.Ffprobe("-select_streams", "v:0", "-show_entries", "packet=flags", "-of", "csv=p=0", path)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(flags => flags.StartsWith('K'));

    /// <summary>The distinct parameter sets, and every other NAL unit in order, as hex.</summary>
    private static (HashSet<string> ParameterSets, List<string> Others) NalUnits(string annexBFile, VideoCodec codec)
    {
        var bytes = File.ReadAllBytes(annexBFile);
        var reader = new AnnexBReader(bytes);
        var parameterSets = new HashSet<string>();
        var others = new List<string>();
        while (reader.TryReadNext(out var offset, out var length))
        {
            var hex = Convert.ToHexString(bytes, offset, length);
            if (NalUnitTypes.IsParameterSet(codec, NalUnitTypes.TypeOf(codec, bytes.AsSpan(offset, length))))
            {
                parameterSets.Add(hex);
            }
            else
            {
                others.Add(hex);
            }
        }

        return (parameterSets, others);
    }
}

using System.Diagnostics;
using KvsProducer.Nal;

namespace KvsProducer.Tests.Nal;

public class AnnexBAccessUnitReaderTests
{
    // Every raw elementary stream in tests/data; each has a frame directory of the same name.
    private static readonly TestCaseData[] Clips =
    [
        new TestCaseData("h264-640x480.h264", VideoCodec.H264),
        new TestCaseData("h264-640x480-bframes.h264", VideoCodec.H264),
        new TestCaseData("h264-640x480-slices.h264", VideoCodec.H264),
        new TestCaseData("h264-1280x720.h264", VideoCodec.H264),
        new TestCaseData("h264-1280x720-bframes.h264", VideoCodec.H264),
        new TestCaseData("h265-640x480.h265", VideoCodec.H265),
        new TestCaseData("h265-640x480-bframes.h265", VideoCodec.H265),
    ];

    [TestCaseSource(nameof(Clips))]
    public async Task Access_unit_count_equals_the_packet_count_ffprobe_reports(string clip, VideoCodec codec)
    {
        string path = TestData.PathOf(clip);
        int expected = int.Parse(Ffprobe(path, "-count_packets", "-show_entries", "stream=nb_read_packets").Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var units = await ReadAllAsync(File.OpenRead(path), codec);

        Assert.That(units, Has.Count.EqualTo(expected));
    }

    [TestCaseSource(nameof(Clips))]
    public async Task Random_access_units_are_the_packets_ffprobe_flags_as_key_frames(string clip, VideoCodec codec)
    {
        string path = TestData.PathOf(clip);
        int[] expected = Ffprobe(path, "-show_entries", "packet=flags")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select((flags, index) => (flags, index))
            .Where(packet => packet.flags.Contains('K', StringComparison.Ordinal))
            .Select(packet => packet.index)
            .ToArray();

        var units = await ReadAllAsync(File.OpenRead(path), codec);

        Assert.That(expected, Has.Length.GreaterThanOrEqualTo(2), "every clip holds at least two key frames");
        Assert.That(units.Select((unit, index) => (unit, index)).Where(u => u.unit.IsRandomAccess).Select(u => u.index), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Clips))]
    public async Task Each_access_unit_equals_the_matching_file_of_the_frame_directory(string clip, VideoCodec codec)
    {
        string[] frameFiles = Directory.GetFiles(TestData.PathOf(Path.GetFileNameWithoutExtension(clip)));
        Array.Sort(frameFiles, StringComparer.Ordinal);

        var units = await ReadAllAsync(File.OpenRead(TestData.PathOf(clip)), codec);

        Assert.That(units, Has.Count.EqualTo(frameFiles.Length));
        for (int i = 0; i < frameFiles.Length; i++)
        {
            Assert.That(units[i].Bytes, Is.EqualTo(File.ReadAllBytes(frameFiles[i])), $"access unit {i} vs {Path.GetFileName(frameFiles[i])}");
        }
    }

    [TestCaseSource(nameof(Clips))]
    public async Task Reading_one_to_seven_bytes_at_a_time_gives_the_same_access_units(string clip, VideoCodec codec)
    {
        byte[] bytes = File.ReadAllBytes(TestData.PathOf(clip));
        var whole = await ReadAllAsync(new MemoryStream(bytes), codec);

        var random = new Random(clip.Length);
        var trickled = await ReadAllAsync(new ChunkedStream(bytes, () => random.Next(1, 8)), codec);

        Assert.That(trickled.Select(u => u.Bytes), Is.EqualTo(whole.Select(u => u.Bytes)));
        Assert.That(trickled.Select(u => u.IsRandomAccess), Is.EqualTo(whole.Select(u => u.IsRandomAccess)));
    }

    [Test]
    public async Task A_read_boundary_at_any_offset_gives_the_same_access_units()
    {
        // IDR (4-byte start code), non-IDR (3-byte), AUD + non-IDR (4-byte), with an emulation-prevented
        // 00 00 03 inside: every start code and header gets split between two reads at some offset.
        byte[] first = [0, 0, 0, 1, 0x65, 0x88, 0, 0, 3, 1, 0x84];
        byte[] second = [0, 0, 1, 0x41, 0x9A, 0x22];
        byte[] third = [0, 0, 0, 1, 0x09, 0x30, 0, 0, 1, 0x41, 0x9E, 0x11];
        byte[] bytes = [.. first, .. second, .. third];

        for (int split = 1; split < bytes.Length; split++)
        {
            int reads = 0;
            var units = await ReadAllAsync(new ChunkedStream(bytes, () => reads++ == 0 ? split : bytes.Length), VideoCodec.H264);

            Assert.That(units.Select(u => u.Bytes), Is.EqualTo(new[] { first, second, third }), $"split at {split}");
        }
    }

    [Test]
    public async Task Index_and_stream_offset_locate_each_access_unit()
    {
        byte[] bytes = File.ReadAllBytes(TestData.PathOf("h264-640x480.h264"));
        using var reader = new AnnexBAccessUnitReader(new MemoryStream(bytes), VideoCodec.H264);
        Assert.That(reader.Index, Is.EqualTo(-1));

        long expectedIndex = 0;
        while (await reader.ReadNextAsync())
        {
            Assert.That(reader.Index, Is.EqualTo(expectedIndex++));
            Assert.That(bytes.AsSpan((int)reader.StreamOffset, reader.AccessUnit.Length).SequenceEqual(reader.AccessUnit.Span), Is.True);
        }

        Assert.That(expectedIndex, Is.GreaterThan(1));
    }

    [Test]
    public async Task A_truncated_last_nal_unit_is_ended_by_the_end_of_the_stream()
    {
        byte[] bytes = File.ReadAllBytes(TestData.PathOf("h264-640x480.h264"));
        var complete = await ReadAllAsync(new MemoryStream(bytes), VideoCodec.H264);
        byte[] truncated = bytes[..^100];

        var units = await ReadAllAsync(new MemoryStream(truncated), VideoCodec.H264);

        Assert.That(units, Has.Count.EqualTo(complete.Count));
        Assert.That(units[^1].Bytes, Is.EqualTo(complete[^1].Bytes[..^100]));
    }

    [Test]
    public async Task Slices_continuing_a_picture_stay_in_its_access_unit()
    {
        // AUD, SPS, PPS, IDR slice (first_mb_in_slice = 0: ue(v) "1"), IDR slice (first_mb_in_slice = 1:
        // ue(v) "010"), then a non-IDR slice with first_mb_in_slice = 0 that starts the next picture.
        byte[] first = [0, 0, 0, 1, 0x09, 0x10, 0, 0, 0, 1, 0x67, 0x42, 0, 0, 0, 1, 0x68, 0xCE, 0, 0, 1, 0x65, 0x88, 0x84, 0, 0, 1, 0x65, 0x40, 0x11];
        byte[] second = [0, 0, 0, 1, 0x41, 0x9A, 0x22];

        var units = await ReadAllAsync(new MemoryStream([.. first, .. second]), VideoCodec.H264);

        Assert.That(units.Select(u => u.Bytes), Is.EqualTo(new[] { first, second }));
        Assert.That(units.Select(u => u.IsRandomAccess), Is.EqualTo(new[] { true, false }));
    }

    [Test]
    public async Task Sei_after_a_slice_starts_the_next_access_unit()
    {
        byte[] first = [0, 0, 1, 0x65, 0x88, 0x84];
        byte[] second = [0, 0, 1, 0x06, 0x05, 0x80, 0, 0, 1, 0x41, 0x9A];

        var units = await ReadAllAsync(new MemoryStream([.. first, .. second]), VideoCodec.H264);

        Assert.That(units.Select(u => u.Bytes), Is.EqualTo(new[] { first, second }));
    }

    [Test]
    public async Task H265_slice_segments_without_first_slice_segment_in_pic_flag_continue_the_picture()
    {
        // Header bytes: type << 1, then nuh_temporal_id_plus1 = 1. CRA (21) twice: flag 1 then 0; then TRAIL_R (1).
        byte[] first = [0, 0, 0, 1, 0x40, 0x01, 0x0C, 0, 0, 1, 0x2A, 0x01, 0xAF, 0x10, 0, 0, 1, 0x2A, 0x01, 0x20, 0x33];
        byte[] second = [0, 0, 1, 0x02, 0x01, 0xD0, 0x09];

        var units = await ReadAllAsync(new MemoryStream([.. first, .. second]), VideoCodec.H265);

        Assert.That(units.Select(u => u.Bytes), Is.EqualTo(new[] { first, second }));
        Assert.That(units.Select(u => u.IsRandomAccess), Is.EqualTo(new[] { true, false }));
    }

    [Test]
    public async Task Length_prefixed_input_is_refused_with_the_ffmpeg_conversion_to_annex_b()
    {
        // An AVCC frame: 4-byte big-endian length 0x1A, then an SPS.
        byte[] avcc = [0, 0, 0, 0x1A, 0x67, 0x64, 0, 0x1F, 0xAC, 0xD9, 0x40, 0x50];

        var error = Assert.ThrowsAsync<KvsProducerException>(() => ReadAllAsync(new MemoryStream(avcc), VideoCodec.H264));

        Assert.That(error!.Message, Does.Contain("not an H.264 Annex-B elementary stream"));
        Assert.That(error.Message, Does.Contain("byte 3 is 0x1A"));
        Assert.That(error.Message, Does.Contain("-bsf:v h264_mp4toannexb -f h264"));
    }

    [Test]
    public async Task Garbage_before_the_first_start_code_is_refused_with_its_offset()
    {
        byte[] garbage = [0xDE, 0xAD, 0, 0, 0, 1, 0x65, 0x88, 0x84];

        var error = Assert.ThrowsAsync<KvsProducerException>(() => ReadAllAsync(new MemoryStream(garbage), VideoCodec.H264));

        Assert.That(error!.Message, Does.Contain("byte 0 is 0xDE (first bytes: DEAD000000016588)"));
    }

    [Test]
    public async Task An_mp4_file_is_named_as_such_in_the_error()
    {
        byte[] mp4 = [0, 0, 0, 0x20, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'];

        var error = Assert.ThrowsAsync<KvsProducerException>(() => ReadAllAsync(new MemoryStream(mp4), VideoCodec.H264));

        Assert.That(error!.Message, Does.Contain("It looks like an MP4 file"));
    }

    [Test]
    public async Task A_matroska_file_is_named_as_such_in_the_error()
    {
        var error = Assert.ThrowsAsync<KvsProducerException>(
            () => ReadAllAsync(File.OpenRead(TestData.PathOf("h265-640x480-bframes.mkv")), VideoCodec.H265));

        Assert.That(error!.Message, Does.Contain("Matroska"));
        Assert.That(error.Message, Does.Contain("-bsf:v hevc_mp4toannexb -f hevc"));
    }

    [Test]
    public async Task An_access_unit_above_the_maximum_size_is_refused_with_its_offset()
    {
        string path = TestData.PathOf("h264-1280x720.h264");
        const int Maximum = 4096;

        var error = Assert.ThrowsAsync<KvsProducerException>(
            () => ReadAllAsync(File.OpenRead(path), VideoCodec.H264, Maximum));

        Assert.That(error!.Message, Does.Contain("Access unit 0 of the H.264 stream, starting at byte 0, is larger than the maximum of 4096 bytes"));
    }

    [Test]
    public async Task An_access_unit_of_exactly_the_maximum_size_is_accepted()
    {
        string clip = "h264-640x480";
        int largest = Directory.GetFiles(TestData.PathOf(clip)).Max(file => (int)new FileInfo(file).Length);

        var units = await ReadAllAsync(File.OpenRead(TestData.PathOf(clip + ".h264")), VideoCodec.H264, largest);
        var oneByteLess = Assert.ThrowsAsync<KvsProducerException>(
            () => ReadAllAsync(File.OpenRead(TestData.PathOf(clip + ".h264")), VideoCodec.H264, largest - 1));

        Assert.That(units.Max(u => u.Bytes.Length), Is.EqualTo(largest));
        Assert.That(oneByteLess!.Message, Does.Contain($"larger than the maximum of {largest - 1} bytes"));
    }

    [Test]
    public async Task A_stream_of_zero_bytes_is_refused()
    {
        var error = Assert.ThrowsAsync<KvsProducerException>(() => ReadAllAsync(new MemoryStream(new byte[100]), VideoCodec.H264));

        Assert.That(error!.Message, Does.Contain("only zero bytes"));
    }

    [Test]
    public async Task An_empty_stream_has_no_access_unit()
    {
        var units = await ReadAllAsync(new MemoryStream(), VideoCodec.H264);

        Assert.That(units, Is.Empty);
    }

    [Test]
    public async Task Leading_zero_bytes_beyond_the_four_byte_start_code_are_dropped()
    {
        byte[] unit = [0, 0, 0, 1, 0x65, 0x88, 0x84];

        var units = await ReadAllAsync(new MemoryStream([0, 0, 0, 0, 0, .. unit]), VideoCodec.H264);

        Assert.That(units.Select(u => u.Bytes), Is.EqualTo(new[] { unit }));
    }

    [Test]
    public void Disposing_the_reader_closes_the_stream_unless_asked_to_leave_it_open()
    {
        var closed = new MemoryStream();
        var kept = new MemoryStream();

        new AnnexBAccessUnitReader(closed, VideoCodec.H264).Dispose();
        new AnnexBAccessUnitReader(kept, VideoCodec.H264, leaveOpen: true).Dispose();

        Assert.That(closed.CanRead, Is.False);
        Assert.That(kept.CanRead, Is.True);
    }

    private static async Task<List<(byte[] Bytes, bool IsRandomAccess)>> ReadAllAsync(
        Stream stream, VideoCodec codec, int maxAccessUnitSize = AnnexBAccessUnitReader.DefaultMaxAccessUnitSize)
    {
        var units = new List<(byte[], bool)>();
        using var reader = new AnnexBAccessUnitReader(stream, codec, maxAccessUnitSize);
        while (await reader.ReadNextAsync())
        {
            units.Add((reader.AccessUnit.ToArray(), reader.IsRandomAccess));
        }

        return units;
    }

    // ffprobe is the independent oracle: its parser splits the raw stream into packets (access units).
    private static string Ffprobe(string path, params string[] query)
    {
        var start = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["-v", "error", "-select_streams", "v:0", .. query, "-of", "csv=p=0", path])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(30_000), Is.True, "ffprobe did not finish within 30 s");
        Assert.That(process.ExitCode, Is.Zero, error.Result);
        return output;
    }

    /// <summary>A stream that hands out at most the next chunk size's bytes per read, as a pipe or a socket may.</summary>
    private sealed class ChunkedStream(byte[] data, Func<int> nextChunkSize) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = Math.Min(Math.Min(buffer.Length, nextChunkSize()), data.Length - _position);
            data.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

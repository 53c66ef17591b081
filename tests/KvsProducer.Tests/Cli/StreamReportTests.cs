using System.Text.Json;
using KvsProducer.Cli;

namespace KvsProducer.Tests.Cli;

/// <summary>The summary's disk buffer fields: in the status line ("N spilled to disk") and the --json object.</summary>
public class StreamReportTests
{
    private static StreamReport Report(DiskBufferReport? disk, long spilled) => new(
        "front-door", ElapsedSeconds: 60, FramesPut: 1500, FramesPersisted: 1400, FramesDropped: 25, FramesSkipped: 0, FragmentsPersisted: 56, FrameRate: 25,
        KilobitsPerSecond: 2000, BufferSeconds: 0.4, AckLatencyP50Milliseconds: 120, AckLatencyP99Milliseconds: 300, Reconnects: 1, ErrorAcks: 0, Progress: null,
        FramesSpilled: spilled, DiskBuffer: disk);

    [Test]
    public void The_status_line_says_how_many_frames_were_spilled_to_disk_with_a_disk_buffer_only()
    {
        Assert.That(StreamStatus.Format(Report(new DiskBufferReport(50, 25, 75, 50, 80, 123_456), 150)), Does.Contain("25 dropped, 150 spilled to disk, 1 reconnects"));
        Assert.That(StreamStatus.Format(Report(null, 0)), Does.Not.Contain("spilled"));
    }

    [Test]
    public void The_json_summary_carries_FramesSpilled_and_the_disk_buffer_figures()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(Report(new DiskBufferReport(50, 25, 75, 50, 80, 123_456), 150), CliJsonContext.Default.StreamReport));
        var root = json.RootElement;
        var disk = root.GetProperty("DiskBuffer");

        Assert.That(root.GetProperty("FramesSpilled").GetInt64(), Is.EqualTo(150));
        Assert.That((disk.GetProperty("SpilledPersisted").GetInt64(), disk.GetProperty("SpilledLost").GetInt64(), disk.GetProperty("SpilledWaiting").GetInt64()), Is.EqualTo((50L, 25L, 75L)));
        Assert.That((disk.GetProperty("Replayed").GetInt64(), disk.GetProperty("Records").GetInt64(), disk.GetProperty("Bytes").GetInt64()), Is.EqualTo((50L, 80L, 123_456L)));
    }

    [Test]
    public void Without_a_disk_buffer_the_json_summary_has_no_disk_buffer_object()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(Report(null, 0), CliJsonContext.Default.StreamReport));

        Assert.That(json.RootElement.GetProperty("DiskBuffer").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }
}

using System.Text.Json.Serialization;

namespace KvsProducer.Cli;

/// <summary>
/// What <c>kvs stream</c> / <c>kvs upload</c> did, as printed with <c>--json</c> on every exit path.
/// <c>FramesDropped</c> counts every frame given to the stream that will never be persisted (dropped with a
/// reason, or refused because its fragment's start was dropped, e.g. after an ERROR acknowledgement);
/// <c>FramesSkipped</c> only those before the first key frame. <c>Progress</c> is the fraction of the
/// source acknowledged PERSISTED (not merely read), <c>EtaSeconds</c> the time left at the measured
/// persisted rate. <c>FramesPersistedUnconfirmed</c>: of <c>FramesPersisted</c>, those the service had
/// acknowledged RECEIVED on a connection that ended before their PERSISTED (stored, not sent twice).
/// <c>FramesResentUnconfirmed</c>: frames sent again after a connection that carried them was reset without any
/// RECEIVED or PERSISTED for them (a hung endpoint past its grace): the only frames the service may store twice.
/// <c>ExitCode</c> and <c>Error</c> are the command's outcome (the line printed on stderr).
/// With <c>--disk-buffer</c>: <c>FramesSpilled</c> counts the frames the memory buffer dropped that the disk kept
/// (not in <c>FramesDropped</c> unless lost from disk too; once uploaded from disk they are in <c>FramesPersisted</c>),
/// and <c>DiskBuffer</c> the disk buffer's figures; without it 0 and null.
/// </summary>
internal sealed record StreamReport(
    string Stream,
    double ElapsedSeconds,
    long FramesPut,
    long FramesPersisted,
    long FramesDropped,
    long FramesSkipped,
    long FragmentsPersisted,
    double FrameRate,
    double KilobitsPerSecond,
    double BufferSeconds,
    double AckLatencyP50Milliseconds,
    double AckLatencyP99Milliseconds,
    long Reconnects,
    long ErrorAcks,
    double? Progress,
    double? EtaSeconds = null,
    long FramesPersistedUnconfirmed = 0,
    long FramesResentUnconfirmed = 0,
    int ExitCode = 0,
    string? Error = null,
    long FramesSpilled = 0,
    DiskBufferReport? DiskBuffer = null);

/// <summary>
/// The disk buffer's figures in <see cref="StreamReport"/> (docs/disk-buffer.md): spilled frames persisted from
/// disk, lost from disk too, still waiting (<c>SpilledPersisted + SpilledLost + SpilledWaiting = FramesSpilled</c>),
/// frames read back and uploaded from disk, frames on disk not yet persisted, and its bytes.
/// </summary>
internal sealed record DiskBufferReport(long SpilledPersisted, long SpilledLost, long SpilledWaiting, long Replayed, long Records, long Bytes)
{
    public static DiskBufferReport? Of(DiskBufferMetrics? metrics) => metrics is null
        ? null
        : new(metrics.SpilledPersistedFrames, metrics.SpilledLostFrames, metrics.SpilledWaitingFrames, metrics.ReplayedFrames, metrics.Records, metrics.Bytes);
}

/// <summary>What <c>kvs package</c> wrote, as printed with <c>--json</c>.</summary>
internal sealed record PackageReport(string Output, long Frames, long Fragments, long FramesSkipped, string Codec, int Width, int Height, long Bytes);

[JsonSourceGenerationOptions(WriteIndented = false, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(StreamReport))]
[JsonSerializable(typeof(PackageReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

using System.Text.Json;

namespace KvsProducer.FaultTests;

/// <summary>The fields of the <c>kvs stream/upload --json</c> summary the scenarios check.</summary>
internal sealed record StreamSummary(long FramesPut, long FramesPersisted, long FramesDropped, long FramesSkipped, long FragmentsPersisted, long Reconnects, long ErrorAcks, int? ExitCode, long? FramesPersistedUnconfirmed, long? FramesResentUnconfirmed = null)
{
    /// <summary>Frames the stream accepted: every frame put except those skipped before the first key frame.</summary>
    public long Accepted => FramesPut - FramesSkipped;

    /// <summary>The summary in <paramref name="stdout"/> (its last line that is a JSON object), or null.</summary>
    public static StreamSummary? Find(string stdout)
    {
        var line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        if (line is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        return new StreamSummary(
            root.GetProperty("FramesPut").GetInt64(),
            root.GetProperty("FramesPersisted").GetInt64(),
            root.GetProperty("FramesDropped").GetInt64(),
            root.GetProperty("FramesSkipped").GetInt64(),
            root.GetProperty("FragmentsPersisted").GetInt64(),
            root.GetProperty("Reconnects").GetInt64(),
            root.GetProperty("ErrorAcks").GetInt64(),
            root.TryGetProperty("ExitCode", out var exitCode) ? exitCode.GetInt32() : null,
            // Of FramesPersisted, those acknowledged RECEIVED on a connection that ended before PERSISTED (cli-exits).
            root.TryGetProperty("FramesPersistedUnconfirmed", out var unconfirmed) ? unconfirmed.GetInt64() : null,
            // Frames resent after a connection reset without any answer for them: the only ones that may be stored twice.
            root.TryGetProperty("FramesResentUnconfirmed", out var resent) ? resent.GetInt64() : null);
    }
}

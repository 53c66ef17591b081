using Microsoft.Extensions.Logging;

namespace KvsProducer.Buffering.Spool;

/// <summary>The disk buffer's log messages (event ids 600–699).</summary>
internal static partial class SpoolLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Stream {Stream}: disk buffer {Directory} opened with {Records} frames not yet persisted in {Segments} segments ({Bytes} bytes)")]
    public static partial void Opened(ILogger logger, string stream, string directory, long records, int segments, long bytes);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Stream {Stream}: disk buffer segment {Path} ends with a torn or damaged record at offset {Offset}: cut {Bytes} bytes (the records before it are intact)")]
    public static partial void TruncatedTail(ILogger logger, string stream, string path, long offset, long bytes);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Stream {Stream}: disk buffer over its bound of {MaxBytes} bytes: deleted segment {Path} with {Frames} frames not yet persisted")]
    public static partial void DroppedSegment(ILogger logger, string stream, long maxBytes, string path, long frames);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Stream {Stream}: a frame of {Bytes} bytes could not be written to the disk buffer: {Reason}")]
    public static partial void AppendFailed(ILogger logger, string stream, long bytes, string reason);

    [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "Stream {Stream}: uploading {Frames} frames from the disk buffer ({Why})")]
    public static partial void Replaying(ILogger logger, string stream, long frames, string why);

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "Stream {Stream}: {Frames} frames from the disk buffer uploaded and persisted")]
    public static partial void Replayed(ILogger logger, string stream, long frames);

    [LoggerMessage(EventId = 606, Level = LogLevel.Warning, Message = "Stream {Stream}: the upload from the disk buffer stopped; its frames stay on disk for the next start")]
    public static partial void ReplayFailed(ILogger logger, string stream, Exception error);

    [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "Stream {Stream}: the release journal had a torn or damaged tail: cut {Bytes} bytes (those frames may be uploaded again)")]
    public static partial void TruncatedJournal(ILogger logger, string stream, long bytes);

    [LoggerMessage(EventId = 608, Level = LogLevel.Warning, Message = "Stream {Stream}: could not sync directory {Directory} ({Reason}): a power cut may lose a just-created segment or journal")]
    public static partial void DirectorySyncFailed(ILogger logger, string stream, string directory, string reason);

    [LoggerMessage(EventId = 609, Level = LogLevel.Information, Message = "Stream {Stream}: the upload has been healthy for {HealthySeconds:0.#} s: pausing it to upload a slice of {Frames} spilled frames from the disk buffer")]
    public static partial void SpillSliceStarting(ILogger logger, string stream, double healthySeconds, long frames);

    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Stream {Stream}: spilled slice of {Frames} frames uploaded; {Waiting} spilled frames still on disk; the live upload resumes")]
    public static partial void SpillSliceDone(ILogger logger, string stream, long frames, long waiting);
}

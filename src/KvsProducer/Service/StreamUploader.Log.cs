using Microsoft.Extensions.Logging;

namespace KvsProducer.Service;

internal sealed partial class StreamUploader
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Stream {Stream}: PutMedia session {Session} to {Endpoint}")]
        public static partial void SessionStarted(ILogger logger, string stream, Uri endpoint, int session);

        [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Stream {Stream}: reconnecting in {DelayMs} ms: {Reason}")]
        public static partial void Reconnecting(ILogger logger, string stream, double delayMs, string reason);

        [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Stream {Stream}: rotating the PutMedia connection (age or credential expiry)")]
        public static partial void Rotating(ILogger logger, string stream);

        [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Stream {Stream}: ERROR ack {ErrorId} {ErrorCode} for fragment {FragmentTimecode}")]
        public static partial void ErrorAck(ILogger logger, string stream, int errorId, string errorCode, ulong fragmentTimecode);

        [LoggerMessage(EventId = 304, Level = LogLevel.Error, Message = "Stream {Stream}: upload stopped")]
        public static partial void UploadGaveUp(ILogger logger, string stream, Exception error);

        [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Stream {Stream}: clock corrected by {OffsetSeconds} s from the service's Date header")]
        public static partial void ClockCorrected(ILogger logger, string stream, double offsetSeconds);

        [LoggerMessage(EventId = 306, Level = LogLevel.Warning, Message = "Stream {Stream}: PutMedia session {Session} is stale; sending nothing new and reading its answers for up to {GraceSeconds} s before resetting it (StaleConnectionGrace)")]
        public static partial void GraceStarted(ILogger logger, string stream, int session, double graceSeconds);

        [LoggerMessage(EventId = 307, Level = LogLevel.Information, Message = "Stream {Stream}: PutMedia session {Session} answered again after {ElapsedSeconds:0.#} s of grace; continuing on it")]
        public static partial void GraceAnswered(ILogger logger, string stream, int session, double elapsedSeconds);

        [LoggerMessage(EventId = 308, Level = LogLevel.Warning, Message = "Stream {Stream}: PutMedia session {Session} left fragments unanswered after {ElapsedSeconds:0.#} s of grace; resetting it (they are resent and counted as resent unconfirmed)")]
        public static partial void GraceExpired(ILogger logger, string stream, int session, double elapsedSeconds);
    }
}

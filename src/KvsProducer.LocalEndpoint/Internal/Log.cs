using Microsoft.Extensions.Logging;

namespace KvsProducer.LocalEndpoint.Internal;

/// <summary>Source-generated log messages of the local endpoint.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Local KVS endpoint listening on {Url} (data in {DataDirectory})")]
    public static partial void Listening(ILogger logger, string url, string dataDirectory);

    [LoggerMessage(2, LogLevel.Information, "HTTPS certificate for clients to trust: {CertificatePath}")]
    public static partial void Certificate(ILogger logger, string certificatePath);

    [LoggerMessage(3, LogLevel.Information, "PutMedia session {RequestId} started for stream {Stream}")]
    public static partial void SessionStarted(ILogger logger, string requestId, string stream);

    [LoggerMessage(4, LogLevel.Information, "PutMedia session {RequestId} ended ({Reason}) after {Bytes} bytes and {Fragments} fragments")]
    public static partial void SessionEnded(ILogger logger, string requestId, string reason, long bytes, int fragments);

    [LoggerMessage(5, LogLevel.Warning, "PutMedia session {RequestId} rejected with ERROR {ErrorId}: {Message}")]
    public static partial void SessionRejected(ILogger logger, string requestId, int errorId, string message);

    [LoggerMessage(6, LogLevel.Warning, "Injected fault: {Fault}")]
    public static partial void FaultInjected(ILogger logger, string fault);

    [LoggerMessage(7, LogLevel.Debug, "{Method} {Path} -> {Status} {ErrorType}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, int status, string errorType);

    [LoggerMessage(8, LogLevel.Error, "Unexpected failure handling {Path}")]
    public static partial void Unexpected(ILogger logger, Exception exception, string path);
}

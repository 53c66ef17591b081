using System.Net;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Service;

/// <summary>Source-generated log messages of the PutMedia transports.</summary>
internal static partial class HttpTransportLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Debug, Message = "Connected to {Authority} at {Address} ({Tls}) in {ElapsedMs:0} ms")]
    public static partial void Connected(ILogger logger, string authority, EndPoint? address, string tls, double elapsedMs);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Connecting to {Authority} failed: {Failure}")]
    public static partial void ConnectFailed(ILogger logger, string authority, KvsTransportFailure failure, Exception exception);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Connection to {Authority} stalled: {What} for more than {StallTimeout}; closing it")]
    public static partial void Stalled(ILogger logger, string authority, string what, TimeSpan stallTimeout);
}

using Microsoft.Extensions.Logging;

namespace KvsProducer.Service;

/// <summary>Source-generated log messages of the control-plane client.</summary>
internal static partial class ControlPlaneLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Kinesis Video Streams {Operation} attempt {Attempt} failed ({Error}); retrying in {Delay}.")]
    public static partial void Retrying(ILogger logger, string operation, int attempt, string error, TimeSpan delay);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Kinesis Video Streams refused {Operation} as a clock problem (HTTP {StatusCode} {ErrorType}); the device clock is off by {Offset} from the service's Date header: signing with the corrected time and retrying once.")]
    public static partial void ClockSkewCorrected(ILogger logger, string operation, int statusCode, string errorType, TimeSpan offset);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Kinesis Video Streams {Operation} answered HTTP {StatusCode} (request id {RequestId}).")]
    public static partial void Answered(ILogger logger, string operation, int statusCode, string? requestId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "Data endpoint of {Stream} for {Api} from the cache: {Endpoint}.")]
    public static partial void EndpointFromCache(ILogger logger, string stream, string api, Uri endpoint);
}

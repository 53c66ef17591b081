namespace KvsProducer;

/// <summary>
/// Kinesis Video Streams refused a request. Carries what the service said (error type, HTTP status,
/// request id, message) and a sentence of advice on what to do about it.
/// </summary>
public sealed class KinesisVideoServiceException : KvsProducerException
{
    /// <summary>Creates the exception from a service response.</summary>
    /// <param name="operation">The API called, as IAM names it (DescribeStream, GetDataEndpoint, PutMedia…).</param>
    /// <param name="errorType">The error type from <c>x-amzn-ErrorType</c> (the part before ':'), or the body's <c>__type</c>; empty when the service gave none.</param>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="requestId">The <c>x-amzn-RequestId</c> header, for AWS support.</param>
    /// <param name="serviceMessage">The message from the response body.</param>
    public KinesisVideoServiceException(string operation, string errorType, int statusCode, string? requestId, string serviceMessage)
        : base(Describe(operation, errorType, statusCode, requestId, serviceMessage))
    {
        Operation = operation;
        ErrorType = errorType;
        StatusCode = statusCode;
        RequestId = requestId;
        ServiceMessage = serviceMessage;
        Advice = AdviceFor(operation, errorType, statusCode, serviceMessage);
        IsThrottling = IsThrottlingError(errorType, statusCode);
        IsRetriable = IsThrottling || statusCode >= 500;
    }

    /// <summary>Creates the exception (for serializers and tests); prefer the constructor with the service's answer.</summary>
    public KinesisVideoServiceException()
    {
    }

    /// <summary>Creates the exception (for serializers and tests); prefer the constructor with the service's answer.</summary>
    public KinesisVideoServiceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception (for serializers and tests); prefer the constructor with the service's answer.</summary>
    public KinesisVideoServiceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The API that was called (DescribeStream, CreateStream, TagStream, GetDataEndpoint, PutMedia…).</summary>
    public string Operation { get; } = "";

    /// <summary>The service's error type, e.g. <c>ResourceNotFoundException</c>; empty when it gave none.</summary>
    public string ErrorType { get; } = "";

    /// <summary>The HTTP status code of the response.</summary>
    public int StatusCode { get; }

    /// <summary>The request id the service assigned (<c>x-amzn-RequestId</c>); quote it to AWS support.</summary>
    public string? RequestId { get; }

    /// <summary>The message the service put in the response body.</summary>
    public string ServiceMessage { get; } = "";

    /// <summary>One sentence on what to do about this error.</summary>
    public string Advice { get; } = "";

    /// <summary>The service throttled the call (ClientLimitExceededException, HTTP 429…).</summary>
    public bool IsThrottling { get; }

    /// <summary>
    /// Trying the same request again later can succeed: throttling and 5xx. Never true for other 4xx
    /// errors, which need a change of request, configuration or permissions.
    /// </summary>
    public bool IsRetriable { get; }

    private static bool IsThrottlingError(string errorType, int statusCode) =>
        statusCode == 429
        || errorType is "ClientLimitExceededException" or "ThrottlingException" or "Throttling" or "TooManyRequestsException"
            or "RequestLimitExceeded" or "LimitExceededException";

    private static string Describe(string operation, string errorType, int statusCode, string? requestId, string serviceMessage)
    {
        var type = errorType.Length > 0 ? errorType : "an error without a type";
        var message = serviceMessage.Length > 0 ? $": {serviceMessage}" : ".";
        var request = requestId is null ? "" : $" (request id {requestId})";
        return $"Kinesis Video Streams {operation} failed with {type}, HTTP {statusCode}{request}{message} {AdviceFor(operation, errorType, statusCode, serviceMessage)}";
    }

    // Error types and their HTTP statuses: expired
    // credentials and wrong device clocks are the commonest reasons a device cannot stream.
    private static string AdviceFor(string operation, string errorType, int statusCode, string serviceMessage)
    {
        if (serviceMessage.Contains("Signature expired", StringComparison.OrdinalIgnoreCase)
            || serviceMessage.Contains("Signature not yet current", StringComparison.OrdinalIgnoreCase))
        {
            return "The device clock is too far from the service's: synchronise it (NTP); the producer corrects its signatures from the server's Date header and retries once.";
        }

        return errorType switch
        {
            "ResourceNotFoundException" =>
                "The stream does not exist (or is not active) in this account and region: create it, or set CreateIfMissing so the producer creates it.",
            "NotAuthorizedException" or "AccessDeniedException" or "AccessDenied" =>
                $"The credentials are not allowed to call {operation}: grant the IAM action kinesisvideo:{operation} on the stream's ARN to the user or role.",
            "ClientLimitExceededException" or "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded" or "LimitExceededException" =>
                "The call was throttled (KVS allows 5 calls per second per stream for DescribeStream/GetDataEndpoint/TagStream and PutMedia connections): the producer backs off and retries; stagger the start of many streams.",
            "ConnectionLimitExceededException" =>
                "Another PutMedia connection is open on this stream: stop the other producer of this stream, or give each producer its own stream.",
            "InvalidArgumentException" =>
                "A request parameter was rejected: check the stream name (1–256 of a-z A-Z 0-9 _ . -), the media type, the retention and the tags.",
            "ResourceInUseException" =>
                "The stream is being created, updated or deleted: wait until its status is ACTIVE and try again.",
            "AccountStreamLimitExceededException" =>
                "The account reached its stream quota in this region: delete unused streams or request a quota increase.",
            "DeviceStreamLimitExceededException" =>
                "The device has reached its stream limit: use fewer streams per device name.",
            "InvalidDeviceException" =>
                "The device name was rejected: use 1–128 of a-z A-Z 0-9 _ . -.",
            "TagsPerResourceExceededLimitException" =>
                "A stream has at most 50 tags: remove tags from the stream definition or from the stream.",
            "InvalidResourceFormatException" =>
                "The stream ARN is malformed: pass arn:aws:kinesisvideo:<region>:<account>:stream/<name>/<id> or the stream name.",
            "VersionMismatchException" =>
                "The stream was changed by someone else meanwhile: describe it again and retry.",
            "InvalidSignatureException" or "SignatureDoesNotMatch" or "IncompleteSignatureException" =>
                "The request signature was rejected: check that the secret key belongs to the access key, the region is the stream's, and the device clock is right (NTP).",
            "RequestExpired" =>
                "The request's timestamp is too far from the service's clock: synchronise the device clock (NTP).",
            "UnrecognizedClientException" or "InvalidClientTokenId" or "MissingAuthenticationTokenException" or "MissingAuthenticationToken" =>
                "The access key is not known to AWS in this partition: check the credentials (and the region's partition, e.g. China).",
            "ExpiredTokenException" or "ExpiredToken" =>
                "The session token expired: the credentials provider must refresh temporary credentials before they expire.",
            _ when statusCode == 429 =>
                "The call was throttled: the producer backs off and retries.",
            _ when statusCode >= 500 =>
                "The service failed to answer: the producer retries with backoff; if it persists, check the AWS Health Dashboard for the region.",
            _ when statusCode is 401 or 403 =>
                $"The request was not authorised: check the credentials and grant the IAM action kinesisvideo:{operation}.",
            _ when statusCode == 404 =>
                "The endpoint or resource was not found: check the region, the service URL and the stream name.",
            _ => "The request was refused: read the service's message above and correct the request.",
        };
    }
}

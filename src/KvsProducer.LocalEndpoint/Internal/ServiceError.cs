namespace KvsProducer.LocalEndpoint.Internal;

/// <summary>
/// An error answered the way the service answers it: HTTP status, <c>x-amzn-ErrorType</c> and a
/// <c>{"Message": …}</c> body. Thrown by request handlers and
/// turned into a response in one place.
/// </summary>
internal sealed class ServiceError : Exception
{
    private ServiceError(string errorType, int status, string message)
        : base(message)
    {
        ErrorType = errorType;
        Status = status;
    }

    public ServiceError()
        : this("InternalFailure", 500, "Internal failure.")
    {
    }

    public ServiceError(string message)
        : this("InternalFailure", 500, message)
    {
    }

    public ServiceError(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorType = "InternalFailure";
        Status = 500;
    }

    /// <summary>Error type without the <c>Exception</c>-less namespace suffix, e.g. <c>ResourceNotFoundException</c>.</summary>
    public string ErrorType { get; }

    public int Status { get; }

    // The status each exception type carries.
    public static ServiceError InvalidArgument(string message) => new("InvalidArgumentException", 400, message);

    public static ServiceError Serialization(string message) => new("SerializationException", 400, message);

    public static ServiceError ClientLimitExceeded(string message) => new("ClientLimitExceededException", 400, message);

    public static ServiceError ResourceInUse(string message) => new("ResourceInUseException", 400, message);

    public static ServiceError AccountStreamLimitExceeded(string message) => new("AccountStreamLimitExceededException", 400, message);

    public static ServiceError TagsPerResourceExceededLimit(string message) => new("TagsPerResourceExceededLimitException", 400, message);

    public static ServiceError VersionMismatch(string message) => new("VersionMismatchException", 400, message);

    public static ServiceError NoDataRetention(string message) => new("NoDataRetentionException", 400, message);

    // kinesis-video-archived-media model errors (HLS, DASH, GetClip, GetImages).
    public static ServiceError UnsupportedStreamMediaType(string message) => new("UnsupportedStreamMediaTypeException", 400, message);

    public static ServiceError MissingCodecPrivateData(string message) => new("MissingCodecPrivateDataException", 400, message);

    public static ServiceError NotAuthorized(string message) => new("NotAuthorizedException", 401, message);

    public static ServiceError ResourceNotFound(string message) => new("ResourceNotFoundException", 404, message);

    // kinesisvideo model: AccessDeniedException carries 401 (the botocore kinesisvideo service model).
    public static ServiceError AccessDenied(string message) => new("AccessDeniedException", 401, message);

    // kinesisvideo model (edge configuration operations): 404.
    public static ServiceError StreamEdgeConfigurationNotFound(string message) => new("StreamEdgeConfigurationNotFoundException", 404, message);

    public static ServiceError UnknownOperation(string message) => new("UnknownOperationException", 404, message);

    // Generic AWS authentication errors.
    public static ServiceError MissingAuthenticationToken(string message) => new("MissingAuthenticationTokenException", 403, message);

    public static ServiceError UnrecognizedClient(string message) => new("UnrecognizedClientException", 403, message);

    public static ServiceError InvalidSignature(string message) => new("InvalidSignatureException", 403, message);

    public static ServiceError IncompleteSignature(string message) => new("IncompleteSignatureException", 400, message);

    public static ServiceError RequestExpired(string message) => new("RequestExpired", 400, message);

    public static ServiceError InternalFailure(string message) => new("InternalFailure", 500, message);
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KvsProducer.Auth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvsProducer.Service;

/// <summary>
/// The KVS control plane as a producer uses it (the KVS API reference): DescribeStream, CreateStream,
/// TagStream and GetDataEndpoint, as signed JSON POSTs over HttpClient. Throttling, 5xx and timeouts
/// are retried with backoff (<see cref="RetryPolicy"/>); a refusal caused by the device clock is
/// corrected from the server's Date header and retried once (<see cref="ClockSkew"/>); data
/// endpoints are cached for 40 minutes (<see cref="EndpointCache"/>). Every other refusal becomes a
/// <see cref="KinesisVideoServiceException"/> with the service's error type, status, request id and
/// advice.
/// </summary>
internal sealed class ControlPlaneClient : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly ControlPlaneClientOptions _options;
    private readonly ICredentialsProvider _credentials;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly SigV4Signer _signer;
    private readonly RetryPolicy _retry;
    private readonly Uri _serviceUrl;

    /// <summary>Creates the client.</summary>
    /// <param name="options">Region, URL, timeouts, retry.</param>
    /// <param name="credentials">Asked before every attempt, so refreshed credentials are used at once.</param>
    /// <param name="timeProvider">Clock for signing, timeouts, backoff and the endpoint cache; null for the system clock.</param>
    /// <param name="logger">Where retries and corrections are logged.</param>
    /// <param name="handler">The HTTP handler; null for a SocketsHttpHandler with <see cref="ControlPlaneClientOptions.ConnectTimeout"/>.</param>
    /// <param name="random">Jitter source for the backoff (seed it in tests).</param>
    /// <param name="clockSkew">A correction shared with the PutMedia sessions; null for a new one.</param>
    /// <param name="endpointCache">A cache shared with the uploader; null for a new 40-minute one.</param>
    public ControlPlaneClient(
        ControlPlaneClientOptions options,
        ICredentialsProvider credentials,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        HttpMessageHandler? handler = null,
        Random? random = null,
        ClockSkew? clockSkew = null,
        EndpointCache? endpointCache = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        options.Validate();
        _options = options;
        _credentials = credentials;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _serviceUrl = options.ResolveServiceUrl();
        _signer = new SigV4Signer(options.Region);
        _retry = new RetryPolicy(options.Retry, _time, random);
        ClockSkew = clockSkew ?? new ClockSkew(_time);
        Endpoints = endpointCache ?? new EndpointCache(_time);
        _http = handler is null
            ? new HttpClient(CreateHandler(options), disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan; // per attempt, on our TimeProvider
    }

    /// <summary>The clock correction learnt from the service; the PutMedia signer uses the same one.</summary>
    public ClockSkew ClockSkew { get; }

    /// <summary>The data-endpoint cache; the uploader invalidates entries whose endpoint failed.</summary>
    public EndpointCache Endpoints { get; }

    /// <summary>The control-plane URL in use.</summary>
    public Uri ServiceUrl => _serviceUrl;

    /// <summary>DescribeStream (the KVS API reference). ResourceNotFoundException when the stream does not exist.</summary>
    /// <param name="stream">The stream's name, or its ARN (a value starting with <c>arn:</c>).</param>
    /// <param name="cancellationToken">Cancels the call and its retries.</param>
    public async Task<StreamDescription> DescribeStreamAsync(string stream, CancellationToken cancellationToken)
    {
        var isArn = ValidateStream(stream);
        var request = new DescribeStreamRequest { StreamName = isArn ? null : stream, StreamArn = isArn ? stream : null };
        var response = await CallAsync(
            "DescribeStream",
            "/describeStream",
            request,
            ControlPlaneJsonContext.Default.DescribeStreamRequest,
            ControlPlaneJsonContext.Default.DescribeStreamResponse,
            cancellationToken).ConfigureAwait(false);
        return response.StreamInfo
            ?? throw new KvsProducerException($"Kinesis Video Streams DescribeStream answered for '{stream}' without StreamInfo: the service URL {_serviceUrl} may not be a Kinesis Video Streams endpoint.");
    }

    /// <summary>CreateStream (the KVS API reference); returns the new stream's ARN.</summary>
    public async Task<string> CreateStreamAsync(CreateStreamRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ValidateStream(request.StreamName))
        {
            throw new ArgumentException($"CreateStream needs a stream name, not an ARN ('{request.StreamName}').", nameof(request));
        }

        if (request.DataRetentionInHours is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.DataRetentionInHours, "DataRetentionInHours must be 0 (no archive) or more.");
        }

        if (request.Tags is not null)
        {
            ValidateTags(request.Tags);
        }

        var response = await CallAsync(
            "CreateStream",
            "/createStream",
            request,
            ControlPlaneJsonContext.Default.CreateStreamRequest,
            ControlPlaneJsonContext.Default.CreateStreamResponse,
            cancellationToken).ConfigureAwait(false);
        return response.StreamArn
            ?? throw new KvsProducerException($"Kinesis Video Streams CreateStream answered for '{request.StreamName}' without a StreamARN: the service URL {_serviceUrl} may not be a Kinesis Video Streams endpoint.");
    }

    /// <summary>TagStream (the KVS API reference): adds or replaces the given tags.</summary>
    /// <param name="stream">The stream's name, or its ARN.</param>
    /// <param name="tags">1–50 tags; keys 1–128 characters, values up to 256.</param>
    /// <param name="cancellationToken">Cancels the call and its retries.</param>
    public async Task TagStreamAsync(string stream, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var isArn = ValidateStream(stream);
        ArgumentNullException.ThrowIfNull(tags);
        ValidateTags(tags);
        var request = new TagStreamRequest { StreamName = isArn ? null : stream, StreamArn = isArn ? stream : null, Tags = tags };
        await CallAsync(
            "TagStream",
            "/tagStream",
            request,
            ControlPlaneJsonContext.Default.TagStreamRequest,
            ControlPlaneJsonContext.Default.EmptyResponse,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The data endpoint of <paramref name="stream"/> for <paramref name="api"/>: from the cache when
    /// it holds one younger than its lifetime, else from GetDataEndpoint (then cached).
    /// </summary>
    public async Task<Uri> GetDataEndpointAsync(string stream, DataEndpointApi api, CancellationToken cancellationToken)
    {
        var isArn = ValidateStream(stream);
        if (Endpoints.TryGet(stream, api, out var cached))
        {
            ControlPlaneLog.EndpointFromCache(_logger, stream, api.ToWireName(), cached);
            return cached;
        }

        var request = new GetDataEndpointRequest { StreamName = isArn ? null : stream, StreamArn = isArn ? stream : null, ApiName = api.ToWireName() };
        var response = await CallAsync(
            "GetDataEndpoint",
            "/getDataEndpoint",
            request,
            ControlPlaneJsonContext.Default.GetDataEndpointRequest,
            ControlPlaneJsonContext.Default.GetDataEndpointResponse,
            cancellationToken).ConfigureAwait(false);
        if (!Uri.TryCreate(response.DataEndpoint, UriKind.Absolute, out var endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new KvsProducerException($"Kinesis Video Streams GetDataEndpoint for '{stream}' ({api.ToWireName()}) returned '{response.DataEndpoint}', which is not an http(s) URL.");
        }

        Endpoints.Set(stream, api, endpoint);
        return endpoint;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    internal static SocketsHttpHandler CreateHandler(ControlPlaneClientOptions options)
    {
        // the official C producer: the C producer verifies peer and host and forces TLS ≥ 1.2.
        var tls = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            // Devices often cannot reach CRL/OCSP endpoints; curl (the C producer) does not check either.
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (options.CaBundlePath is { } path)
        {
            tls.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            tls.CertificateChainPolicy.CustomTrustStore.AddRange(LoadCaBundle(path));
        }

        return new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = tls,
        };
    }

    private static X509Certificate2Collection LoadCaBundle(string path)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"The CA bundle '{path}' could not be read ({e.Message}): it must be a readable PEM file of 'BEGIN CERTIFICATE' blocks.", nameof(path), e);
        }

        return bundle.Count > 0
            ? bundle
            : throw new ArgumentException($"The CA bundle '{path}' holds no PEM certificate: it must contain 'BEGIN CERTIFICATE' blocks.", nameof(path));
    }

    private async Task<TResponse> CallAsync<TRequest, TResponse>(
        string operation,
        string path,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
        where TResponse : class
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var uri = new Uri(_serviceUrl, _serviceUrl.AbsolutePath.TrimEnd('/') + path);
        return await _retry.ExecuteAsync(
            token => AttemptAsync(operation, uri, body, responseType, token),
            (attempt, error, delay) => ControlPlaneLog.Retrying(_logger, operation, attempt, error.Message, delay),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<TResponse> AttemptAsync<TResponse>(string operation, Uri uri, byte[] body, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : class
    {
        var answer = await SendAsync(operation, uri, body, cancellationToken).ConfigureAwait(false);
        if (!answer.IsSuccess)
        {
            var error = ParseError(answer);
            if (ClockSkew.TryCorrect(answer.StatusCode, error.Type, error.Message, answer.ServerDate))
            {
                ControlPlaneLog.ClockSkewCorrected(_logger, operation, answer.StatusCode, error.Type, ClockSkew.Offset);
                answer = await SendAsync(operation, uri, body, cancellationToken).ConfigureAwait(false);
                error = answer.IsSuccess ? default : ParseError(answer);
            }

            if (!answer.IsSuccess)
            {
                throw new KinesisVideoServiceException(operation, error.Type, answer.StatusCode, answer.RequestId, error.Message);
            }
        }

        if (answer.Body.Length == 0 && typeof(TResponse) == typeof(EmptyResponse))
        {
            // An empty output shape may come back as no body at all rather than "{}".
            return (TResponse)(object)new EmptyResponse();
        }

        try
        {
            var result = answer.Body.Length == 0 ? null : JsonSerializer.Deserialize(answer.Body, responseType);
            return result ?? throw new JsonException("empty body");
        }
        catch (JsonException exception)
        {
            throw new KvsProducerException(
                $"Kinesis Video Streams {operation} at {uri} answered HTTP {answer.StatusCode} with a body that is not the expected JSON ({exception.Message}): check that the service URL is a Kinesis Video Streams endpoint. Body: {Snippet(answer.Body)}",
                exception);
        }
    }

    private async Task<Answer> SendAsync(string operation, Uri uri, byte[] body, CancellationToken cancellationToken)
    {
        var credentials = await _credentials.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);

        // SigV4 as the official C producer computes it: host, X-Amz-Date, content-type: application/json, content-length;
        // the C producer also sends (and signs) its user-agent.
        var host = uri.Authority;
        var contentLength = body.Length.ToString(CultureInfo.InvariantCulture);
        var signature = _signer.Sign(
            "POST",
            uri.AbsolutePath,
            "",
            [new("host", host), new("user-agent", _options.UserAgent), new("content-type", "application/json"), new("content-length", contentLength)],
            body,
            credentials,
            ClockSkew.GetUtcNow());

        using var message = new HttpRequestMessage(HttpMethod.Post, uri);
        message.Headers.Host = host;
        message.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        message.Headers.TryAddWithoutValidation("X-Amz-Date", signature.AmzDate);
        message.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        if (signature.SecurityToken is not null)
        {
            message.Headers.TryAddWithoutValidation("x-amz-security-token", signature.SecurityToken);
        }

        message.Content = new ByteArrayContent(body);
        message.Content.Headers.ContentType = JsonContentType;

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            var responseBody = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            var requestId = FirstHeader(response, "x-amzn-RequestId") ?? FirstHeader(response, "x-amz-RequestId");
            ControlPlaneLog.Answered(_logger, operation, (int)response.StatusCode, requestId);
            return new Answer(
                (int)response.StatusCode,
                responseBody,
                FirstHeader(response, "x-amzn-ErrorType") ?? FirstHeader(response, "x-amz-ErrorType"),
                requestId,
                response.Headers.Date);
        }
        catch (HttpRequestException exception) when (exception.StatusCode is null)
        {
            throw TransportFailure(operation, uri, exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Kinesis Video Streams {operation} at {uri} did not answer within {_options.RequestTimeout.TotalSeconds:0.###} s: the network or the service is slow (retried with backoff; RequestTimeout sets the limit).",
                exception);
        }
    }

    // A request that never got an HTTP answer: say which kind of failure, where, and what to check.
    private static KvsTransportException TransportFailure(string operation, Uri uri, HttpRequestException exception)
    {
        var socketError = (exception.InnerException as SocketException)?.SocketErrorCode;
        var (failure, advice) = exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => (KvsTransportFailure.NameResolution, "check the region, the ServiceUrl and the device's DNS"),
            HttpRequestError.SecureConnectionError => (KvsTransportFailure.Tls, "the server certificate is not trusted here: fix the system CA store or set CaBundlePath to a PEM file with the right root CAs (the Amazon roots, or your local endpoint's CA)"),
            _ when socketError == SocketError.ConnectionRefused => (KvsTransportFailure.ConnectionRefused, "nothing listens there: check the ServiceUrl and its port"),
            _ when socketError is SocketError.HostUnreachable or SocketError.NetworkUnreachable => (KvsTransportFailure.Unreachable, "check the device's network and routes"),
            _ when socketError == SocketError.ConnectionReset => (KvsTransportFailure.ConnectionReset, "the connection was reset: check proxies and firewalls"),
            _ => (KvsTransportFailure.Network, "check the network, proxies and firewalls"),
        };
        return new KvsTransportException(failure, $"Kinesis Video Streams {operation}: could not reach {uri.GetLeftPart(UriPartial.Authority)} ({exception.Message}); {advice}.", exception);
    }

    private static string? FirstHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    // the KVS API reference: the type is in x-amzn-ErrorType as "<Type>:<namespace>"; the message in the
    // body's "Message" (or "message"). Without the header, the body's "__type" (Coral: "ns#Type").
    private static (string Type, string Message) ParseError(in Answer answer)
    {
        var type = answer.ErrorTypeHeader is { } header ? TrimErrorType(header) : "";
        var message = "";
        try
        {
            using var document = JsonDocument.Parse(answer.Body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("Output", out var output) && output.ValueKind == JsonValueKind.Object)
                {
                    root = output;
                }

                message = StringProperty(root, "Message") ?? StringProperty(root, "message") ?? "";
                if (type.Length == 0)
                {
                    type = TrimErrorType(StringProperty(root, "__type") ?? StringProperty(root, "code") ?? "");
                }
            }
        }
        catch (JsonException)
        {
            message = Snippet(answer.Body);
        }

        return (type, message);
    }

    private static string TrimErrorType(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            value = value[..colon];
        }

        var hash = value.LastIndexOf('#');
        return (hash >= 0 ? value[(hash + 1)..] : value).Trim();
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString() : null;

    private static string Snippet(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300)).Trim();
        return body.Length > 300 ? text + "…" : text;
    }

    // the KVS API reference: stream name 1–256 of [a-zA-Z0-9_.-]; an ARN is passed as StreamARN.
    private static bool ValidateStream(string stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.StartsWith("arn:", StringComparison.Ordinal))
        {
            if (stream.Length > 1024 || !stream.Contains(":kinesisvideo:", StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{stream}' is not a Kinesis Video stream ARN: expected arn:<partition>:kinesisvideo:<region>:<account>:stream/<name>/<id> (at most 1024 characters).", nameof(stream));
            }

            return true;
        }

        if (stream.Length is 0 or > 256)
        {
            throw new ArgumentException($"Stream name must have 1–256 characters, not {stream.Length}.", nameof(stream));
        }

        foreach (var c in stream)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
            {
                throw new ArgumentException($"Stream name '{stream}' contains '{c}': use letters, digits, '_', '.', '-' (1–256 characters).", nameof(stream));
            }
        }

        return false;
    }

    private static void ValidateTags(IReadOnlyDictionary<string, string> tags)
    {
        if (tags.Count is 0 or > 50)
        {
            throw new ArgumentException($"A stream takes 1–50 tags per call, not {tags.Count}.", nameof(tags));
        }

        foreach (var (key, value) in tags)
        {
            if (string.IsNullOrEmpty(key) || key.Length > 128)
            {
                throw new ArgumentException($"Tag key '{key}' must have 1–128 characters.", nameof(tags));
            }

            if (value is null || value.Length > 256)
            {
                throw new ArgumentException($"The value of tag '{key}' must have 0–256 characters, not {value?.Length.ToString(CultureInfo.InvariantCulture) ?? "null"}.", nameof(tags));
            }
        }
    }

    private readonly record struct Answer(int StatusCode, byte[] Body, string? ErrorTypeHeader, string? RequestId, DateTimeOffset? ServerDate)
    {
        public bool IsSuccess => StatusCode is >= 200 and < 300;
    }
}

using KvsProducer.Auth;

namespace KvsProducer;

/// <summary>Settings shared by every stream of a <see cref="KinesisVideoProducer"/>. Validated at construction.</summary>
public sealed record ProducerOptions
{
    /// <summary>AWS region (e.g. <c>us-west-2</c>); null = <c>AWS_REGION</c> / <c>AWS_DEFAULT_REGION</c>.</summary>
    public string? Region { get; init; }

    /// <summary>
    /// Control-plane URL instead of <c>https://kinesisvideo.{region}.amazonaws.com</c> — e.g. a local endpoint's;
    /// null = <c>AWS_ENDPOINT_URL_KINESIS_VIDEO</c>, else <c>AWS_ENDPOINT_URL</c>, as the AWS SDKs and CLI read them.
    /// </summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>Where credentials come from; null = the AWS SDK's default chain.</summary>
    public ICredentialsProvider? Credentials { get; init; }

    /// <summary>One memory budget for the buffers of all streams, in bytes (default 128 MiB; 1 MiB to 10 GiB).</summary>
    public long StorageSize { get; init; } = 128L * 1024 * 1024;

    /// <summary>PEM file of CA certificates to trust for TLS, for devices without a system store; null = the system's.</summary>
    public string? CaBundlePath { get; init; }

    /// <summary>How long opening a connection may take (default 5 s, as the C producer).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Send PutMedia over HTTP/2 (TLS with ALPN) instead of HTTP/1.1. Off by default: the official producers
    /// use HTTP/1.1 chunked, which every KVS endpoint accepts.
    /// </summary>
    public bool UseHttp2 { get; init; }

    /// <summary>Appended to the User-Agent, to tell devices apart in service logs.</summary>
    public string? UserAgentSuffix { get; init; }

    /// <summary>The clock for timestamps, timers and retries (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The control-plane URL to use: <see cref="ServiceUrl"/>, else the environment's, else null (the region's public endpoint).</summary>
    internal Uri? ResolveServiceUrl()
    {
        if (ServiceUrl is not null)
        {
            return ServiceUrl;
        }

        foreach (var variable in (ReadOnlySpan<string>)["AWS_ENDPOINT_URL_KINESIS_VIDEO", "AWS_ENDPOINT_URL"])
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                return Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                    ? url
                    : throw new ArgumentException($"{variable} '{value}' must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:4567.", nameof(ServiceUrl));
            }
        }

        return null;
    }

    /// <summary>The region to use: <see cref="Region"/>, else the environment's, else an error saying how to set it.</summary>
    internal string ResolveRegion() =>
        Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")
        ?? (ResolveServiceUrl() is not null ? "us-east-1"
            : throw new ArgumentException("No AWS region: set ProducerOptions.Region or the AWS_REGION environment variable.", nameof(Region)));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option and what to use.</summary>
    public void Validate()
    {
        if (StorageSize < 1024 * 1024 || StorageSize > 10L * 1024 * 1024 * 1024)
        {
            throw new ArgumentException($"StorageSize {StorageSize} bytes is out of range: use 1 MiB to 10 GiB (the official SDKs' range).", nameof(StorageSize));
        }

        if (ServiceUrl is { IsAbsoluteUri: false } || ServiceUrl is { Scheme: not ("http" or "https") })
        {
            throw new ArgumentException($"ServiceUrl '{ServiceUrl}' must be an absolute http:// or https:// URL.", nameof(ServiceUrl));
        }

        if (CaBundlePath is not null && !File.Exists(CaBundlePath))
        {
            throw new ArgumentException($"CaBundlePath '{CaBundlePath}' does not exist: give a PEM file of CA certificates, or null for the system store.", nameof(CaBundlePath));
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ConnectTimeout {ConnectTimeout} must be positive (5 s is the default).", nameof(ConnectTimeout));
        }

        ResolveServiceUrl();
        ResolveRegion();
    }
}

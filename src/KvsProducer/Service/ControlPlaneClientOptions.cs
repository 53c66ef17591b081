namespace KvsProducer.Service;

/// <summary>Where and how <see cref="ControlPlaneClient"/> calls the KVS control plane.</summary>
internal sealed record ControlPlaneClientOptions
{
    /// <summary>The AWS region, e.g. <c>us-west-2</c>; also the region of the SigV4 credential scope.</summary>
    public required string Region { get; init; }

    /// <summary>
    /// The control-plane URL; null for <c>https://kinesisvideo.&lt;region&gt;.amazonaws.com</c>
    /// (<c>.amazonaws.com.cn</c> in China) per the official C producer. Set it for a local endpoint.
    /// </summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>Time for one attempt to complete (the PIC's control-plane default is 10 s, the official SDKs).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time to open a connection when the client makes its own handler (PIC default 5 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A PEM file of CA certificates to trust instead of the system store, for devices without one
    /// (the official SDKs: CA-bundle path errors are a frequent device problem). Used when the client
    /// makes its own handler.
    /// </summary>
    public string? CaBundlePath { get; init; }

    /// <summary>The User-Agent sent (and signed, as the C producer does).</summary>
    public string UserAgent { get; init; } = $"KvsProducer/{ProducerInfo.Version} .NET/{Environment.Version}";

    /// <summary>Backoff for throttling, 5xx and timeouts.</summary>
    public RetryPolicyOptions Retry { get; init; } = RetryPolicyOptions.Default;

    /// <summary>The URL calls go to: <see cref="ServiceUrl"/> or the region's public endpoint.</summary>
    public Uri ResolveServiceUrl()
    {
        if (ServiceUrl is not null)
        {
            return ServiceUrl;
        }

        var suffix = Region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://kinesisvideo.{Region}.{suffix}");
    }

    /// <summary>Throws when an option is invalid, naming it, its value and what is allowed.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Region) || !Region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new ArgumentException($"Region '{Region}' is not an AWS region name: use e.g. us-west-2 or eu-central-1.", nameof(Region));
        }

        if (ServiceUrl is not null && (!ServiceUrl.IsAbsoluteUri || (ServiceUrl.Scheme != Uri.UriSchemeHttps && ServiceUrl.Scheme != Uri.UriSchemeHttp)))
        {
            throw new ArgumentException($"ServiceUrl '{ServiceUrl}' must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:4566.", nameof(ServiceUrl));
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "RequestTimeout must be positive (default 10 s).");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "ConnectTimeout must be positive (default 5 s).");
        }

        if (CaBundlePath is not null && !File.Exists(CaBundlePath))
        {
            throw new ArgumentException($"CaBundlePath '{CaBundlePath}' does not exist: give a PEM file of CA certificates, or null for the system store.", nameof(CaBundlePath));
        }

        if (string.IsNullOrWhiteSpace(UserAgent))
        {
            throw new ArgumentException("UserAgent must not be empty.", nameof(UserAgent));
        }

        Retry.Validate();
    }
}

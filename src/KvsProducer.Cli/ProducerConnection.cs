using System.CommandLine;
using KvsProducer.Auth;

namespace KvsProducer.Cli;

/// <summary>
/// Where a command sends to and as whom: <c>--endpoint</c>, <c>--region</c>, and credentials from
/// <c>--access-key/--secret-key</c>, else the AWS chain (environment, profile, SSO, container, instance).
/// </summary>
internal sealed class ProducerConnection
{
    public Option<string?> Endpoint { get; } = new("--endpoint") { Description = "Control-plane URL, e.g. a local endpoint's http://127.0.0.1:4566 (default: the region's AWS endpoint)." };

    public Option<string?> Region { get; } = new("--region") { Description = "AWS region (default: AWS_REGION)." };

    public Option<string?> AccessKey { get; } = new("--access-key") { Description = "Access key id (default: the AWS credential chain)." };

    public Option<string?> SecretKey { get; } = new("--secret-key") { Description = "Secret access key, with --access-key." };

    public Option<string?> CaBundle { get; } = new("--ca-bundle") { Description = "PEM file of CA certificates to trust (e.g. a local endpoint's self-signed certificate)." };

    public void AddTo(Command command)
    {
        command.Add(Endpoint);
        command.Add(Region);
        command.Add(AccessKey);
        command.Add(SecretKey);
        command.Add(CaBundle);
    }

    public async Task<ProducerOptions> ResolveAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var endpoint = result.GetValue(Endpoint) is { } text
            ? Uri.TryCreate(text, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                ? parsed
                : throw new FormatException($"--endpoint '{text}' is not an http:// or https:// URL (e.g. http://127.0.0.1:4566).")
            : null;
        var accessKey = result.GetValue(AccessKey);
        var secretKey = result.GetValue(SecretKey);
        if ((accessKey is null) != (secretKey is null))
        {
            throw new FormatException("--access-key and --secret-key go together: give both, or neither to use the AWS credential chain.");
        }

        ICredentialsProvider credentials = accessKey is not null
            ? new StaticCredentialsProvider(accessKey, secretKey!)
            : await ChainOrLocalPlaceholderAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return new ProducerOptions
        {
            Region = result.GetValue(Region) ?? (endpoint is not null ? Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-west-2" : null),
            ServiceUrl = endpoint,
            Credentials = credentials,
            CaBundlePath = result.GetValue(CaBundle),
        };
    }

    /// <summary>
    /// The AWS chain; when it finds nothing and the endpoint is on this machine (a local endpoint that
    /// checks no signatures), placeholder keys so that `kvs stream --endpoint http://127.0.0.1:…` just works.
    /// </summary>
    private static async Task<ICredentialsProvider> ChainOrLocalPlaceholderAsync(Uri? endpoint, CancellationToken cancellationToken)
    {
        var chain = new AwsSdkCredentialsProvider();
        try
        {
            await chain.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
            return chain;
        }
        catch (CredentialsException) when (endpoint is { IsLoopback: true })
        {
            chain.Dispose();
            await Console.Error.WriteLineAsync($"kvs: no AWS credentials found; signing with placeholder keys for the local endpoint {endpoint}.").ConfigureAwait(false);
            return new StaticCredentialsProvider("AKIDLOCALPLACEHOLDER", "local-placeholder-secret");
        }
    }
}

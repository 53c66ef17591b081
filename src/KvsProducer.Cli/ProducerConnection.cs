using System.CommandLine;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using KvsProducer.Auth;

namespace KvsProducer.Cli;

/// <summary>
/// Where a command sends to and as whom, the AWS CLI's way: <c>--endpoint-url</c> (alias
/// <c>--endpoint</c>) else AWS_ENDPOINT_URL_KINESIS_VIDEO else AWS_ENDPOINT_URL; <c>--region</c> else
/// AWS_REGION / AWS_DEFAULT_REGION else the profile's region else, with an endpoint, us-east-1 (the
/// library's default too); <c>--profile</c> (else AWS_PROFILE) for credentials and region from
/// ~/.aws/credentials and ~/.aws/config; <c>--ca-bundle</c> else AWS_CA_BUNDLE. Every verb that talks
/// to an endpoint resolves through this one class, so they all sign the same way.
/// </summary>
internal sealed class ProducerConnection
{
    /// <summary>The region when nothing names one but an endpoint is given: the same as <see cref="ProducerOptions"/>'s.</summary>
    public const string DefaultRegionWithEndpoint = "us-east-1";

    public Option<string?> Endpoint { get; } = new("--endpoint-url", "--endpoint") { Recursive = true, Description = "Endpoint URL, e.g. a local endpoint's http://127.0.0.1:4566 (default: AWS_ENDPOINT_URL_KINESIS_VIDEO, AWS_ENDPOINT_URL, else the region's AWS endpoint)." };

    public Option<string?> Region { get; } = new("--region") { Recursive = true, Description = $"AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region; {DefaultRegionWithEndpoint} with an endpoint URL)." };

    public Option<string?> Profile { get; } = new("--profile") { Recursive = true, Description = "Profile of ~/.aws/credentials and ~/.aws/config for credentials and region (default: AWS_PROFILE, else the standard chain)." };

    public Option<string?> AccessKey { get; } = new("--access-key") { Recursive = true, Description = "Access key id (default: the AWS credential chain)." };

    public Option<string?> SecretKey { get; } = new("--secret-key") { Recursive = true, Description = "Secret access key, with --access-key." };

    public Option<string?> CaBundle { get; } = new("--ca-bundle") { Recursive = true, Description = "PEM file of CA certificates to trust (default: AWS_CA_BUNDLE; e.g. a local endpoint's self-signed certificate)." };

    public Option<bool> Debug { get; } = new("--debug") { Recursive = true, Description = "Verbose: say where the endpoint, region and credentials came from, and print full error details." };

    /// <summary>Adds the options to <paramref name="command"/> and its subcommands (the root: AWS CLI style <c>kvs --profile p fragments …</c>).</summary>
    public void AddTo(Command command)
    {
        command.Add(Endpoint);
        command.Add(Region);
        command.Add(Profile);
        command.Add(AccessKey);
        command.Add(SecretKey);
        command.Add(CaBundle);
        command.Add(Debug);
    }

    public async Task<ProducerOptions> ResolveAsync(ParseResult result, CancellationToken cancellationToken)
    {
        bool debug = result.GetValue(Debug);
        var (endpointText, endpointSource) = result.GetValue(Endpoint) is { } given ? (given, "--endpoint-url")
            : Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_KINESIS_VIDEO") is { Length: > 0 } kvsUrl ? (kvsUrl, "AWS_ENDPOINT_URL_KINESIS_VIDEO")
            : Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL") is { Length: > 0 } anyUrl ? (anyUrl, "AWS_ENDPOINT_URL")
            : ((string?)null, (string?)null);
        var endpoint = endpointText is null ? null
            : Uri.TryCreate(endpointText, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                ? parsed
                : throw new FormatException($"{endpointSource} '{endpointText}' is not an http:// or https:// URL (e.g. http://127.0.0.1:4566).");
        var accessKey = result.GetValue(AccessKey);
        var secretKey = result.GetValue(SecretKey);
        if ((accessKey is null) != (secretKey is null))
        {
            throw new FormatException("--access-key and --secret-key go together: give both, or neither to use the AWS credential chain.");
        }

        string? profileName = result.GetValue(Profile) ?? (Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } p ? p : null);
        CredentialProfile? profile = profileName is null ? null : FindProfile(profileName, explicitlyGiven: result.GetValue(Profile) is not null);

        ICredentialsProvider credentials;
        string credentialSource;
        if (accessKey is not null)
        {
            credentials = new StaticCredentialsProvider(accessKey, secretKey!);
            credentialSource = "--access-key/--secret-key";
        }
        else if (profile is not null)
        {
            credentials = new AwsSdkCredentialsProvider(CredentialsOf(profile));
            credentialSource = $"profile '{profile.Name}'";
        }
        else
        {
            credentials = await ChainOrLocalPlaceholderAsync(endpoint, cancellationToken).ConfigureAwait(false);
            credentialSource = "the AWS credential chain";
        }

        string? region = result.GetValue(Region)
            ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_REGION"))
            ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"))
            ?? profile?.Region?.SystemName
            ?? (endpoint is not null ? DefaultRegionWithEndpoint : null);
        string? caBundle = result.GetValue(CaBundle) ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_CA_BUNDLE"));
        if (debug)
        {
            await Console.Error.WriteLineAsync($"kvs: endpoint {endpoint?.ToString() ?? "(the region's AWS endpoint)"}{(endpointSource is null ? "" : $" from {endpointSource}")}; region {region ?? "(none)"}; credentials from {credentialSource}; CA bundle {caBundle ?? "(system trust store)"}.").ConfigureAwait(false);
        }

        return new ProducerOptions
        {
            Region = region,
            ServiceUrl = endpoint,
            Credentials = credentials,
            CaBundlePath = caBundle,
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>The named profile from ~/.aws/credentials and ~/.aws/config (AWSSDK.Core's store chain, which honours AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE).</summary>
    private static CredentialProfile? FindProfile(string name, bool explicitlyGiven)
    {
        if (new CredentialProfileStoreChain().TryGetProfile(name, out var profile))
        {
            return profile;
        }

        if (explicitlyGiven)
        {
            throw new CredentialsException(CredentialsFailure.NotResolved, $"--profile '{name}': no such profile in ~/.aws/credentials or ~/.aws/config (check the [profile {name}] / [{name}] section name).");
        }

        throw new CredentialsException(CredentialsFailure.NotResolved, $"AWS_PROFILE '{name}': no such profile in ~/.aws/credentials or ~/.aws/config.");
    }

    private static AWSCredentials CredentialsOf(CredentialProfile profile) =>
        AWSCredentialsFactory.TryGetAWSCredentials(profile, new CredentialProfileStoreChain(), out var credentials)
            ? credentials
            : throw new CredentialsException(CredentialsFailure.NotResolved, $"Profile '{profile.Name}' has no usable credentials (give aws_access_key_id and aws_secret_access_key, or a role/SSO/process source).");

    /// <summary>
    /// The AWS chain; when it finds nothing and the endpoint is on this machine (a local endpoint that
    /// checks no signatures), placeholder keys so that `kvs stream --endpoint-url http://127.0.0.1:…` just works.
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

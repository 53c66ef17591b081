using System.Globalization;
using System.Net.Http.Headers;
using KvsProducer.Auth;
using KvsProducer.Service;

namespace KvsProducer.Cli;

/// <summary>
/// SigV4-signed JSON POSTs for the read-back verbs (<c>kvs fragments</c>, <c>kvs get-media</c>), with
/// the same credentials, region and CA bundle as <c>kvs stream</c> (<see cref="ProducerConnection"/>).
/// With an endpoint URL the requests go there (as the AWS CLI's <c>--endpoint-url</c>); without, to the
/// stream's data endpoint for the API, asked of the region's control plane (GetDataEndpoint).
/// </summary>
internal sealed class SignedReadClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ICredentialsProvider _credentials;
    private readonly SigV4Signer _signer;

    private SignedReadClient(HttpClient http, Uri endpoint, ICredentialsProvider credentials, string region)
    {
        _http = http;
        Endpoint = endpoint;
        _credentials = credentials;
        _signer = new SigV4Signer(region);
    }

    /// <summary>Where the requests go.</summary>
    public Uri Endpoint { get; }

    public static async Task<SignedReadClient> CreateAsync(ProducerOptions options, string stream, DataEndpointApi api, TimeSpan timeout, CancellationToken cancellationToken)
    {
        options.Validate();
        var credentials = options.Credentials ?? new AwsSdkCredentialsProvider();
        var controlPlane = new ControlPlaneClientOptions { Region = options.ResolveRegion(), ServiceUrl = options.ServiceUrl, CaBundlePath = options.CaBundlePath };
        Uri endpoint;
        if (options.ServiceUrl is { } given)
        {
            endpoint = given;
        }
        else
        {
            using var client = new ControlPlaneClient(controlPlane, credentials);
            endpoint = await client.GetDataEndpointAsync(stream, api, cancellationToken).ConfigureAwait(false);
        }

        var http = new HttpClient(ControlPlaneClient.CreateHandler(controlPlane), disposeHandler: true) { Timeout = timeout };
        return new SignedReadClient(http, endpoint, credentials, controlPlane.Region);
    }

    /// <summary>POSTs <paramref name="json"/> to <paramref name="path"/>, signed with SigV4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, byte[] json, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var credentials = await _credentials.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        var uri = new Uri(Endpoint, path);
        var host = uri.Authority;
        var signature = _signer.Sign(
            "POST",
            uri.AbsolutePath,
            "",
            [new("host", host), new("content-type", "application/json"), new("content-length", json.Length.ToString(CultureInfo.InvariantCulture))],
            json,
            credentials,
            DateTimeOffset.UtcNow);
        using var message = new HttpRequestMessage(HttpMethod.Post, uri);
        message.Headers.Host = host;
        message.Headers.TryAddWithoutValidation("X-Amz-Date", signature.AmzDate);
        message.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        if (signature.SecurityToken is not null)
        {
            message.Headers.TryAddWithoutValidation("x-amz-security-token", signature.SecurityToken);
        }

        message.Content = new ByteArrayContent(json);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await _http.SendAsync(message, completion, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();
}

using System.Net;
using System.Security.Authentication;
using System.Text.Json;
using KvsProducer.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Tests.Auth;

/// <summary>
/// A local stand-in for the AWS IoT credentials endpoint: Kestrel on 127.0.0.1 with a port of its
/// own choosing, TLS with a certificate of the test CA, a client certificate required and checked
/// against that CA, the role alias and <c>x-amzn-iot-thingname</c> checked like the service does,
/// and credentials answered with an expiration the test chooses.
/// </summary>
internal sealed class IotCredentialsStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private IotCredentialsStandIn(WebApplication app) => _app = app;

    public const string RoleAlias = "kvs-camera-role-alias";

    public const string ThingName = "front-door-camera";

    /// <summary>host:port to put in <see cref="IotCredentialsOptions.Endpoint"/>.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>Requests that reached the handler (passed TLS with a valid client certificate).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The expiration given to the next credentials.</summary>
    public Func<DateTimeOffset> Expiration { get; set; } = () => DateTimeOffset.UtcNow.AddHours(1);

    public static async Task<IotCredentialsStandIn> StartAsync(TestPki pki)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = pki.ServerCertificate,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            ClientCertificateValidation = (certificate, _, _) => pki.IsIssuedByCa(certificate),
        })));
        var app = builder.Build();
        var standIn = new IotCredentialsStandIn(app);
        app.Run(standIn.HandleAsync);
        await app.StartAsync();
        standIn.Endpoint = new Uri(app.Urls.Single()).Authority;
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Method != "GET" || request.Path != $"/role-aliases/{RoleAlias}/credentials")
        {
            await RespondAsync(context, 404, new { message = "Role alias does not exist" });
            return;
        }

        if (request.Headers["x-amzn-iot-thingname"] != ThingName)
        {
            await RespondAsync(context, 403, new { message = "Access Denied" });
            return;
        }

        var number = Interlocked.Increment(ref _requests);
        await RespondAsync(context, 200, new
        {
            credentials = new
            {
                accessKeyId = $"ASIAIOTSTANDIN{number}",
                secretAccessKey = $"iot-secret-{number}",
                sessionToken = $"iot-session-token-{number}",
                expiration = Expiration().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            },
        });
    }

    private static async Task RespondAsync(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}

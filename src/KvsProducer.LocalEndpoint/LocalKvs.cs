using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KvsProducer.LocalEndpoint.Internal;
using KvsProducer.LocalEndpoint.Internal.ArchivedMedia;
using KvsProducer.LocalEndpoint.Internal.Auth;
using KvsProducer.LocalEndpoint.Internal.WebConsole;
using KvsProducer.LocalEndpoint.Internal.ControlPlane;
using KvsProducer.LocalEndpoint.Internal.Faults;
using KvsProducer.LocalEndpoint.Internal.Hosting;
using KvsProducer.LocalEndpoint.Internal.PutMedia;
using KvsProducer.LocalEndpoint.Internal.ReadBack;
using KvsProducer.LocalEndpoint.Internal.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvsProducer.LocalEndpoint;

/// <summary>
/// A local Kinesis Video Streams endpoint: control plane, PutMedia with ACKs, fragment storage,
/// read-back and fault injection, on Kestrel. Point a producer's service URL at <see cref="Url"/>.
/// <code>
/// await using var kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = "kvs-data" }, ct);
/// </code>
/// </summary>
public sealed class LocalKvs : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StreamRegistry _registry;
    private readonly FaultInjector _faults;
    private readonly X509Certificate2? _certificate;
    private readonly bool _ownsDataDirectory;
    private readonly CancellationTokenSource _shutdown;

    private LocalKvs(CancellationTokenSource shutdown, WebApplication app, StreamRegistry registry, FaultInjector faults, X509Certificate2? certificate, Uri url, string dataDirectory, string? certificatePath, bool ownsDataDirectory)
    {
        _shutdown = shutdown;
        _app = app;
        _registry = registry;
        _faults = faults;
        _certificate = certificate;
        Url = url;
        DataDirectory = dataDirectory;
        CertificatePath = certificatePath;
        _ownsDataDirectory = ownsDataDirectory;
    }

    /// <summary>Base URL (no path) of the endpoint, e.g. <c>http://127.0.0.1:41234</c>; also what GetDataEndpoint answers.</summary>
    public Uri Url { get; }

    /// <summary>Where streams and fragments are stored.</summary>
    public string DataDirectory { get; }

    /// <summary>PEM file of the self-signed certificate clients must trust, when HTTPS is on.</summary>
    public string? CertificatePath { get; }

    /// <summary>The faults in force; setting replaces them at once (the same as <c>POST /_admin/faults</c>).</summary>
    public LocalKvsFaults Faults
    {
        get => _faults.Current;
        set => _faults.Apply(value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Starts the endpoint and returns once it accepts connections.</summary>
    public static async Task<LocalKvs> StartAsync(LocalKvsOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        bool ownsDataDirectory = options.DataDirectory is null;
        string dataDirectory = Path.GetFullPath(options.DataDirectory
            ?? Path.Combine(Path.GetTempPath(), "kvs-local-" + RandomNumberGenerator.GetHexString(12, lowercase: true)));
        Directory.CreateDirectory(dataDirectory);

        ILoggerFactory loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        ILogger logger = loggerFactory.CreateLogger("KvsProducer.LocalEndpoint");
        var registry = new StreamRegistry(dataDirectory, options.TimeProvider);
        var faults = new FaultInjector(options.Faults, options.TimeProvider, logger);
        X509Certificate2? certificate = null;
        string? certificatePath = null;
        if (options.Https)
        {
            (certificate, certificatePath) = SelfSignedCertificate.LoadOrCreate(dataDirectory, options.TimeProvider);
        }

        string? url = null;
        var shutdown = new CancellationTokenSource();
        var numbers = new FragmentNumbers(options.TimeProvider, registry.ListSorted().Select(s => s.Fragments.LastNumber));
        var controlPlane = new ControlPlaneApi(registry, options, () => options.AdvertisedDataEndpoint?.ToString().TrimEnd('/') ?? url!);
        var archivedMedia = new ArchivedMediaApi(controlPlane, options.TimeProvider);
        var router = new RequestRouter(
            controlPlane,
            new ReadBackApi(controlPlane, options.TimeProvider, shutdown.Token),
            new PutMediaHandler(options, controlPlane, numbers, faults, logger, shutdown.Token),
            options.AuthenticationEnabled ? new SignatureVerifier(options.AccessKey!, options.SecretKey!, options.Region, options.SessionToken, options.TimeProvider) : null,
            faults,
            logger)
        {
            ArchivedMedia = archivedMedia,
            WebConsole = new ConsoleSite(controlPlane, registry, archivedMedia),
        };

        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // PutMedia bodies are endless and may pause: limits are the endpoint's own.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(options.BindAddress, options.Port, listen =>
            {
                // HTTP/1.1 only unless asked: the official SDKs sign hop-by-hop headers HTTP/2 drops (LocalKvsOptions.Http2).
                listen.Protocols = certificate is not null && options.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
                listen.Use(next => async connection =>
                {
                    if (faults.RefusesConnections())
                    {
                        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
                        {
                            socket.LingerState = new LingerOption(true, 0);
                        }

                        connection.Abort();
                        return;
                    }

                    await next(connection).ConfigureAwait(false);
                });
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });

        WebApplication app = builder.Build();
        app.Run(router.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            registry.Dispose();
            shutdown.Dispose();
            throw;
        }

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bound = new Uri(address);
        string host = options.BindAddress.Equals(IPAddress.Any) ? "127.0.0.1" : bound.Host;
        url = string.Create(CultureInfo.InvariantCulture, $"{bound.Scheme}://{host}:{bound.Port}");
        Log.Listening(logger, url, dataDirectory);
        if (certificatePath is not null)
        {
            Log.Certificate(logger, certificatePath);
        }

        return new LocalKvs(shutdown, app, registry, faults, certificate, new Uri(url), dataDirectory, certificatePath, ownsDataDirectory);
    }

    /// <summary>Stops listening, ends open sessions and closes the stores; a temporary data directory is deleted.</summary>
    public async ValueTask DisposeAsync()
    {
        // Long-lived requests (PutMedia sessions, live GetMedia) end at once instead of holding the stop.
        await _shutdown.CancelAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try
            {
                await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        foreach (StoredStream stream in _registry.ListSorted())
        {
            stream.Live.Clear(); // retention-0 fragments exist only in the live buffer: their files go with it
        }

        _registry.Dispose();
        _certificate?.Dispose();
        _shutdown.Dispose();
        if (_ownsDataDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

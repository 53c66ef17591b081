using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using KvsProducer.Service;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Chunked request-body writes through <see cref="Http1Connection"/> to a loopback sink that reads and discards
/// (what PutMedia's upload path costs on the client, without a server's parsing). One operation = one chunk of
/// <see cref="ChunkBytes"/>; the MB/s column is body bytes per second. The sink is a raw socket (or SslStream) reader
/// rather than Kestrel: this project has no ASP.NET Core framework reference.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MegabytesPerSecondConfig))]
public class Http1ChunkedUploadBenchmarks
{
    private const int ChunksPerInvoke = 256;

    private Socket _listener = null!;
    private Task _sink = Task.CompletedTask;
    private Http1Connection _connection = null!;
    private byte[] _chunk = [];

    /// <summary>Body bytes per write: a small P-frame, a typical 720p frame, a large key frame.</summary>
    [Params(1024, 16 * 1024, 256 * 1024)]
    public int ChunkBytes { get; set; }

    /// <summary>Plain TCP, or TLS (a self-signed certificate trusted through the CA bundle option) as devices use.</summary>
    [Params(false, true)]
    public bool Tls { get; set; }

    private string? _bundle;

    [GlobalSetup]
    public void Setup()
    {
        _chunk = new byte[ChunkBytes];
        new Random(1).NextBytes(_chunk);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1);
        var certificate = Tls ? CreateCertificate() : null;
        _sink = Task.Run(async () =>
        {
            using var socket = await _listener.AcceptAsync();
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (certificate is not null)
            {
                var ssl = new SslStream(stream);
                await ssl.AuthenticateAsServerAsync(certificate);
                stream = ssl;
            }

            var buffer = new byte[256 * 1024];
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        });
        var options = HttpTransportOptions.Default;
        if (certificate is not null)
        {
            _bundle = Path.GetTempFileName();
            File.WriteAllText(_bundle, certificate.ExportCertificatePem());
            options = options with { CaBundlePath = _bundle };
        }

        var endpoint = new Uri($"{(Tls ? "https" : "http")}://localhost:{((IPEndPoint)_listener.LocalEndPoint!).Port}/");
        _connection = Http1Connection.ConnectAsync(endpoint, options, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _connection.SendRequestHeadAsync("POST", "/putMedia", [new("x-amzn-stream-name", "bench")], CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        // The client never reads TLS 1.3 session tickets, so its close is a reset the sink sees: not a failure here.
        _ = _sink.ContinueWith(static t => t.Exception, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(5));
        _listener.Dispose();
        if (_bundle is not null)
        {
            File.Delete(_bundle);
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    [Benchmark(OperationsPerInvoke = ChunksPerInvoke, Description = "chunked body write")]
    public async Task WriteChunks()
    {
        for (var i = 0; i < ChunksPerInvoke; i++)
        {
            await _connection.WriteBodyAsync(_chunk, CancellationToken.None);
        }
    }

    /// <summary>Adds an MB/s column: <see cref="ChunkBytes"/> per operation over the mean time.</summary>
    public sealed class MegabytesPerSecondConfig : ManualConfig
    {
        public MegabytesPerSecondConfig() =>
            AddColumn(new RateColumn("MBps", "Body bytes written per second, in 10^6 bytes", c => RateColumn.IntParameter(c, nameof(ChunkBytes)), megabytes: true));
    }
}

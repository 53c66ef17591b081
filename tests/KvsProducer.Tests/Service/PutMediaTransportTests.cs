using System.Net;
using System.Net.Sockets;
using KvsProducer.Service;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KvsProducer.Tests.Service;

[CancelAfter(30_000)]
public class PutMediaTransportTests
{
    private static readonly HttpTransportOptions Options = new() { ConnectTimeout = TimeSpan.FromSeconds(5), StallTimeout = TimeSpan.FromSeconds(10) };

    private static readonly KeyValuePair<string, string>[] Headers =
    [
        new("x-amzn-stream-name", "my-camera-stream"),
        new("connection", "keep-alive"),
        new("transfer-encoding", "chunked"),
        new("content-type", "application/json"),
    ];

    [TestCase(HttpProtocols.Http1)]
    [TestCase(HttpProtocols.Http2)]
    public async Task Acks_arrive_while_the_body_is_still_being_written(HttpProtocols protocol, CancellationToken cancellationToken)
    {
        // h2c needs an HTTP/2-only Kestrel endpoint (toolchain.md "HTTP for PutMedia").
        await using var server = await TestKestrel.StartAsync(Http1ConnectionTests.AckEchoAsync, protocol);
        await using IPutMediaTransport transport = protocol == HttpProtocols.Http1 ? new Http1PutMediaTransport(Options) : new Http2PutMediaTransport(Options);
        await using var exchange = await transport.StartAsync(server.Address, "POST", "/putMedia", Headers, cancellationToken);
        await exchange.WriteBodyAsync(new byte[500], cancellationToken);

        var head = await exchange.ReadResponseHeadAsync(cancellationToken);
        await using var acks = exchange.ReadAcksAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        Assert.That(await acks.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken), Is.True, "first ACK before the body is complete");
        var first = acks.Current;
        await exchange.WriteBodyAsync(new byte[700], cancellationToken);
        await exchange.CompleteBodyAsync(cancellationToken);
        var rest = new List<FragmentAck>();
        while (await acks.MoveNextAsync())
        {
            rest.Add(acks.Current);
        }

        Assert.That(head.StatusCode, Is.EqualTo(200));
        Assert.That(head.Version.Major, Is.EqualTo(protocol == HttpProtocols.Http1 ? 1 : 2));
        Assert.That(first.EventType, Is.EqualTo(FragmentAckEventType.Buffering));
        Assert.That(rest[^1].EventType, Is.EqualTo(FragmentAckEventType.Persisted));
        Assert.That(rest[^1].FragmentTimecode, Is.EqualTo(1200UL));
    }

    [Test]
    public async Task Http2_over_tls_negotiates_h2_and_trusts_the_ca_bundle(CancellationToken cancellationToken)
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var bundle = TestCertificates.WritePem(certificate);
        try
        {
            await using var server = await TestKestrel.StartAsync(Http1ConnectionTests.AckEchoAsync, HttpProtocols.Http1AndHttp2, certificate);
            await using var transport = new Http2PutMediaTransport(Options with { CaBundlePath = bundle });
            var https = new UriBuilder(server.Address) { Scheme = "https" }.Uri;
            await using var exchange = await transport.StartAsync(https, "POST", "/putMedia", Headers, cancellationToken);
            await exchange.WriteBodyAsync(new byte[10], cancellationToken);
            await exchange.CompleteBodyAsync(cancellationToken);

            var head = await exchange.ReadResponseHeadAsync(cancellationToken);
            var acks = new List<FragmentAck>();
            await foreach (var ack in exchange.ReadAcksAsync(cancellationToken))
            {
                acks.Add(ack);
            }

            Assert.That(head.Version, Is.EqualTo(HttpVersion.Version20));
            Assert.That(acks[^1].FragmentTimecode, Is.EqualTo(10UL));
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Test]
    public async Task Http2_over_tls_without_the_bundle_fails_with_the_chain_reason(CancellationToken cancellationToken)
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await TestKestrel.StartAsync(Http1ConnectionTests.AckEchoAsync, HttpProtocols.Http1AndHttp2, certificate);
        await using var transport = new Http2PutMediaTransport(Options);
        var https = new UriBuilder(server.Address) { Scheme = "https" }.Uri;

        var error = Assert.ThrowsAsync<KvsTransportException>(async () =>
        {
            await using var exchange = await transport.StartAsync(https, "POST", "/putMedia", Headers, cancellationToken);
            await exchange.ReadResponseHeadAsync(cancellationToken);
        });

        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.Tls));
        Assert.That(error.Message, Does.Contain("UntrustedRoot"));
    }

    [Test]
    public async Task Http2_abort_resets_the_exchange_connection_so_queued_data_frames_cannot_arrive_later(CancellationToken cancellationToken)
    {
        // Issue 11: RST_STREAM alone travels behind the DATA frames already queued on the connection; the peer must
        // see the connection reset instead.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var transport = new Http2PutMediaTransport(Options);
        var starting = transport.StartAsync(new Uri($"http://127.0.0.1:{port}/"), "POST", "/putMedia", Headers, cancellationToken);
        using var peer = await listener.AcceptSocketAsync(cancellationToken);
        await peer.SendAsync(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 }, cancellationToken); // RFC 9113 §3.4: the server preface, an empty SETTINGS frame
        await using var exchange = await starting;
        await exchange.WriteBodyAsync(new byte[1000], cancellationToken);

        exchange.Abort();

        var buffer = new byte[64 * 1024];
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        quiet.CancelAfter(TimeSpan.FromSeconds(3)); // an open connection (only RST_STREAM sent) just goes quiet
        var error = Assert.CatchAsync(async () =>
        {
            while (await peer.ReceiveAsync(buffer, SocketFlags.None, quiet.Token) > 0)
            {
            }
        });
        Assert.That(error, Is.TypeOf<SocketException>().With.Property(nameof(SocketException.SocketErrorCode)).EqualTo(SocketError.ConnectionReset));
    }

    [Test]
    public void Http2_to_a_closed_port_fails_as_refused(CancellationToken cancellationToken)
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var transport = new Http2PutMediaTransport(Options);

        var error = Assert.ThrowsAsync<KvsTransportException>(async () => await transport.StartAsync(new Uri($"http://127.0.0.1:{port}/"), "POST", "/putMedia", Headers, cancellationToken));

        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.ConnectionRefused));
    }

    [Test]
    public async Task Http2_against_an_http1_only_endpoint_says_to_use_http1(CancellationToken cancellationToken)
    {
        await using var server = await TestKestrel.StartAsync(Http1ConnectionTests.AckEchoAsync, HttpProtocols.Http1);
        await using var transport = new Http2PutMediaTransport(Options);

        var error = Assert.ThrowsAsync<KvsTransportException>(async () =>
        {
            // The failure may surface when the request starts or when the response head is awaited.
            await using var exchange = await transport.StartAsync(server.Address, "POST", "/putMedia", Headers, cancellationToken);
            await exchange.CompleteBodyAsync(cancellationToken);
            await exchange.ReadResponseHeadAsync(cancellationToken);
        });

        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.MalformedHttp));
        Assert.That(error.Message, Does.Contain("HTTP/2 request to localhost:").And.Contain("use the HTTP/1.1 transport"));
    }
}

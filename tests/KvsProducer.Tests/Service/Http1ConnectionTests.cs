using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using KvsProducer.Service;
using Microsoft.AspNetCore.Http;

namespace KvsProducer.Tests.Service;

[CancelAfter(30_000)]
public class Http1ConnectionTests
{
    private static readonly HttpTransportOptions Options = new() { ConnectTimeout = TimeSpan.FromSeconds(5), StallTimeout = TimeSpan.FromSeconds(10) };

    private static readonly KeyValuePair<string, string>[] PutMediaHeaders =
    [
        new("x-amzn-stream-name", "my-camera-stream"),
        new("x-amzn-fragment-timecode-type", "ABSOLUTE"),
        new("content-type", "application/json"),
    ];

    [Test]
    public async Task Client_receives_the_first_ack_before_it_finishes_sending_the_body(CancellationToken cancellationToken)
    {
        await using var server = await TestKestrel.StartAsync(AckEchoAsync);
        await using var connection = await Http1Connection.ConnectAsync(server.Address, Options, cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);
        await connection.WriteBodyAsync(new byte[1000], cancellationToken);

        var head = await connection.ReadResponseHeadAsync(cancellationToken);
        await using var acks = connection.ReadAcksAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        // The body is still open: a half-duplex client would wait here forever.
        Assert.That(await acks.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken), Is.True);

        Assert.That(head.StatusCode, Is.EqualTo(200));
        Assert.That(head.RequestId, Is.EqualTo("test-request"));
        Assert.That(acks.Current.EventType, Is.EqualTo(FragmentAckEventType.Buffering));
        Assert.That(acks.Current.FragmentTimecode, Is.InRange(1UL, 1000UL));
    }

    [Test]
    public async Task Body_bytes_arrive_intact_through_small_large_and_multi_segment_chunks(CancellationToken cancellationToken)
    {
        var random = new Random(5);
        var small = RandomBytes(random, 100);
        var large = RandomBytes(random, 3 * 1024 * 1024);
        var pieces = Splits.Of(RandomBytes(random, 10), RandomBytes(random, 70_000), RandomBytes(random, 3));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(small);
        hash.AppendData(large);
        foreach (var segment in pieces)
        {
            hash.AppendData(segment.Span);
        }

        await using var server = await TestKestrel.StartAsync(AckEchoAsync);
        await using var connection = await Http1Connection.ConnectAsync(server.Address, Options, cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);
        var reading = Task.Run(async () =>
        {
            await connection.ReadResponseHeadAsync(cancellationToken);
            var all = new List<FragmentAck>();
            await foreach (var ack in connection.ReadAcksAsync(cancellationToken))
            {
                all.Add(ack);
            }

            return all;
        }, cancellationToken);
        await connection.WriteBodyAsync(small, cancellationToken);
        await connection.WriteBodyAsync(large, cancellationToken);
        await connection.WriteBodyAsync(pieces, cancellationToken);
        await connection.CompleteBodyAsync(cancellationToken);

        var last = (await reading).Last();
        Assert.That(last.EventType, Is.EqualTo(FragmentAckEventType.Persisted));
        Assert.That(last.FragmentTimecode, Is.EqualTo((ulong)(small.Length + large.Length + pieces.Length)));
        Assert.That(last.FragmentNumber, Is.EqualTo(Convert.ToHexString(hash.GetHashAndReset())));
    }

    [Test]
    public async Task An_error_response_with_a_content_length_body_is_read_with_its_request_id_and_error_type(CancellationToken cancellationToken)
    {
        await using var server = await TestKestrel.StartAsync(async context =>
        {
            context.Response.StatusCode = 403;
            context.Response.Headers["x-amzn-RequestId"] = "denied-1";
            context.Response.Headers["x-amzn-ErrorType"] = "NotAuthorizedException:";
            context.Response.ContentLength = 26;
            await context.Response.WriteAsync("{\"message\":\"not allowed\"}\n", cancellationToken);
        });
        await using var connection = await Http1Connection.ConnectAsync(server.Address, Options, cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);

        var head = await connection.ReadResponseHeadAsync(cancellationToken);
        var body = await ReadBodyTextAsync(connection, cancellationToken);

        Assert.That(head.StatusCode, Is.EqualTo(403));
        Assert.That(head.RequestId, Is.EqualTo("denied-1"));
        Assert.That(head.ErrorType, Is.EqualTo("NotAuthorizedException:"));
        Assert.That(head.Date, Is.Not.Null);
        Assert.That(body, Is.EqualTo("{\"message\":\"not allowed\"}\n"));
    }

    [Test]
    public async Task Expect_continue_returns_the_interim_100_before_the_body_is_sent(CancellationToken cancellationToken)
    {
        await using var server = await TestKestrel.StartAsync(async context =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(cancellationToken);
            context.Response.ContentLength = body.Length;
            await context.Response.WriteAsync(body, cancellationToken);
        });
        await using var connection = await Http1Connection.ConnectAsync(server.Address, Options, cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken, expectContinue: true);

        var interim = await connection.ReadResponseHeadAsync(returnInformational: true, cancellationToken);
        await connection.WriteBodyAsync("hello"u8.ToArray(), cancellationToken);
        await connection.CompleteBodyAsync(cancellationToken);
        var final = await connection.ReadResponseHeadAsync(cancellationToken);

        Assert.That(interim.StatusCode, Is.EqualTo(100));
        Assert.That(final.StatusCode, Is.EqualTo(200));
        Assert.That(await ReadBodyTextAsync(connection, cancellationToken), Is.EqualTo("hello"));
    }

    [Test]
    public async Task Tls_to_a_private_certificate_succeeds_when_the_ca_bundle_holds_it(CancellationToken cancellationToken)
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var bundle = TestCertificates.WritePem(certificate);
        try
        {
            await using var server = await TestKestrel.StartAsync(AckEchoAsync, certificate: certificate);
            var https = new UriBuilder(server.Address) { Scheme = "https" }.Uri;
            await using var connection = await Http1Connection.ConnectAsync(https, Options with { CaBundlePath = bundle }, cancellationToken);
            await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);
            await connection.WriteBodyAsync(new byte[10], cancellationToken);

            var head = await connection.ReadResponseHeadAsync(cancellationToken);

            Assert.That(head.StatusCode, Is.EqualTo(200));
            Assert.That(connection.TlsProtocol, Is.EqualTo(System.Security.Authentication.SslProtocols.Tls13).Or.EqualTo(System.Security.Authentication.SslProtocols.Tls12));
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Test]
    public async Task Tls_to_a_private_certificate_fails_without_the_bundle_and_says_the_chain_is_untrusted(CancellationToken cancellationToken)
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await TestKestrel.StartAsync(AckEchoAsync, certificate: certificate);
        var https = new UriBuilder(server.Address) { Scheme = "https" }.Uri;

        var error = Assert.ThrowsAsync<KvsTransportException>(async () => await Http1Connection.ConnectAsync(https, Options, cancellationToken));

        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.Tls));
        Assert.That(error.Message, Does.Contain("TLS handshake with localhost:").And.Contain("is not trusted").And.Contain("UntrustedRoot").And.Contain("CA bundle"));
    }

    [Test]
    public async Task A_bundle_with_another_ca_rejects_the_server_certificate(CancellationToken cancellationToken)
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        using var other = TestCertificates.CreateSelfSigned("CN=Other CA");
        var bundle = TestCertificates.WritePem(other);
        try
        {
            await using var server = await TestKestrel.StartAsync(AckEchoAsync, certificate: certificate);
            var https = new UriBuilder(server.Address) { Scheme = "https" }.Uri;

            var error = Assert.ThrowsAsync<KvsTransportException>(async () => await Http1Connection.ConnectAsync(https, Options with { CaBundlePath = bundle }, cancellationToken));

            Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.Tls));
            Assert.That(error.Message, Does.Contain("must end in a certificate of the configured CA bundle"));
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Test]
    public async Task Mutual_tls_presents_the_client_certificate(CancellationToken cancellationToken)
    {
        using var serverCertificate = TestCertificates.CreateSelfSigned();
        using var clientCertificate = TestCertificates.CreateSelfSigned("CN=thing-1");
        var bundle = TestCertificates.WritePem(serverCertificate);
        try
        {
            await using var server = await TestKestrel.StartAsync(
                async context =>
                {
                    var subject = context.Connection.ClientCertificate?.Subject ?? "none";
                    context.Response.ContentLength = subject.Length;
                    await context.Response.WriteAsync(subject, cancellationToken);
                },
                certificate: serverCertificate,
                https: options =>
                {
                    options.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate;
                    options.ClientCertificateValidation = (certificate, _, _) => certificate.Subject == "CN=thing-1";
                });
            var https = new UriBuilder(server.Address) { Scheme = "https" }.Uri;
            await using var connection = await Http1Connection.ConnectAsync(https, Options with { CaBundlePath = bundle, ClientCertificate = clientCertificate }, cancellationToken);
            await connection.SendRequestHeadAsync("POST", "/", [], cancellationToken);
            await connection.CompleteBodyAsync(cancellationToken);

            var head = await connection.ReadResponseHeadAsync(cancellationToken);

            Assert.That(head.StatusCode, Is.EqualTo(200));
            Assert.That(await ReadBodyTextAsync(connection, cancellationToken), Is.EqualTo("CN=thing-1"));
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Test, CancelAfter(10_000)]
    public async Task Abort_resets_the_connection_so_the_peer_sees_a_reset_not_an_orderly_close(CancellationToken cancellationToken)
    {
        // Issue 11: a connection the uploader gives up on must not deliver what it still queued.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connection = await Http1Connection.ConnectAsync(new Uri($"http://127.0.0.1:{port}/"), Options, cancellationToken);
        using var peer = await listener.AcceptSocketAsync(cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);

        connection.Abort();
        await connection.DisposeAsync();

        var buffer = new byte[64 * 1024];
        var error = Assert.ThrowsAsync<SocketException>(async () =>
        {
            while (await peer.ReceiveAsync(buffer, cancellationToken) > 0)
            {
            }
        });
        Assert.That(error!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionReset));
    }

    [Test]
    public void Connecting_to_a_closed_port_fails_quickly_as_refused(CancellationToken cancellationToken)
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var watch = Stopwatch.StartNew();
        var error = Assert.ThrowsAsync<KvsTransportException>(async () => await Http1Connection.ConnectAsync(new Uri($"http://127.0.0.1:{port}/"), Options, cancellationToken));

        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.ConnectionRefused));
        Assert.That(error.Message, Does.Contain($"Connection to 127.0.0.1:{port} refused"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public void A_connect_that_gets_no_answer_fails_with_connect_timeout(CancellationToken cancellationToken)
    {
        // A listener whose accept queue is full drops further SYNs: the connect neither succeeds nor is refused.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                _ = filler.ConnectAsync(endpoint, cancellationToken).AsTask();
            }

            Thread.Sleep(100);
            var watch = Stopwatch.StartNew();
            var error = Assert.ThrowsAsync<KvsTransportException>(async () =>
                await Http1Connection.ConnectAsync(new Uri($"http://127.0.0.1:{endpoint.Port}/"), Options with { ConnectTimeout = TimeSpan.FromMilliseconds(300) }, cancellationToken));

            Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.ConnectTimeout));
            Assert.That(error.Message, Does.Contain("timed out after 0.3 s connecting"));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

    [Test]
    public async Task A_server_that_stops_reading_trips_write_stall_detection(CancellationToken cancellationToken)
    {
        await using var server = new RawTcpServer(
            async (socket, token) =>
            {
                await RawTcpServer.ReadRequestHeadAsync(socket, token);
                await Task.Delay(Timeout.Infinite, token); // never reads the body
            },
            receiveBufferSize: 4096);
        await using var connection = await Http1Connection.ConnectAsync(server.Address, Options with { StallTimeout = TimeSpan.FromMilliseconds(300) }, cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);
        var chunk = new byte[64 * 1024];
        var watch = Stopwatch.StartNew();

        var error = Assert.ThrowsAsync<KvsTransportException>(async () =>
        {
            for (var i = 0; i < 8192; i++)
            {
                await connection.WriteBodyAsync(chunk, cancellationToken);
            }
        });

        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.Stalled));
        Assert.That(error.Message, Does.Contain("a write made no progress").And.Contain("0.3 s"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task A_server_that_sends_nothing_trips_read_stall_detection(CancellationToken cancellationToken)
    {
        await using var server = new RawTcpServer(async (socket, token) =>
        {
            await RawTcpServer.ReadRequestHeadAsync(socket, token);
            await Task.Delay(Timeout.Infinite, token);
        });
        await using var connection = await Http1Connection.ConnectAsync(server.Address, Options with { StallTimeout = TimeSpan.FromMilliseconds(300) }, cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);

        var error = Assert.ThrowsAsync<KvsTransportException>(async () => await connection.ReadResponseHeadAsync(cancellationToken));

        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.Stalled));
        Assert.That(error.Message, Does.Contain("no response bytes arrived").And.Contain("reading the response head"));
    }

    [Test]
    public async Task An_exchange_that_ignores_stalls_keeps_waiting_for_a_silent_server_until_it_answers(CancellationToken cancellationToken)
    {
        // The uploader's stale-connection grace reads a hung endpoint's answers longer than the stall timeout.
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawTcpServer(async (socket, token) =>
        {
            await RawTcpServer.ReadRequestHeadAsync(socket, token);
            await answer.Task.WaitAsync(token);
            await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), token);
            await Task.Delay(Timeout.Infinite, token);
        });
        await using var connection = await Http1Connection.ConnectAsync(server.Address, Options with { StallTimeout = TimeSpan.FromMilliseconds(300) }, cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);
        connection.IgnoreStalls();

        var head = connection.ReadResponseHeadAsync(cancellationToken).AsTask();
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken); // five stall timeouts of silence
        Assert.That(head.IsCompleted, Is.False, "the stall check left the read alone");
        answer.SetResult();

        Assert.That((await head).StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task A_server_that_resets_mid_body_is_reported_as_a_connection_reset(CancellationToken cancellationToken)
    {
        await using var server = new RawTcpServer(async (socket, token) =>
        {
            await RawTcpServer.ReadRequestHeadAsync(socket, token);
            var buffer = new byte[1024];
            await socket.ReceiveAsync(buffer, token);
            socket.LingerState = new LingerOption(true, 0); // close with RST
            socket.Close();
        });
        await using var connection = await Http1Connection.ConnectAsync(server.Address, Options, cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);
        var chunk = new byte[16 * 1024];

        var error = Assert.ThrowsAsync<KvsTransportException>(async () =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                await connection.WriteBodyAsync(chunk, cancellationToken);
                await Task.Delay(i < 4 ? 50 : 0, cancellationToken);
            }
        });

        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.ConnectionReset));
        Assert.That(error.Message, Does.Contain("reset the connection while sending the request body"));
    }

    [Test]
    public async Task A_malformed_status_line_is_reported_with_its_offset(CancellationToken cancellationToken)
    {
        await using var server = new RawTcpServer(async (socket, token) =>
        {
            await RawTcpServer.ReadRequestHeadAsync(socket, token);
            await socket.SendAsync("HTTP/1.1 2x0 OK\r\n\r\n"u8.ToArray(), token);
            await Task.Delay(Timeout.Infinite, token);
        });
        await using var connection = await Http1Connection.ConnectAsync(server.Address, Options, cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);

        var error = Assert.ThrowsAsync<KvsTransportException>(async () => await connection.ReadResponseHeadAsync(cancellationToken));

        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.MalformedHttp));
        Assert.That(error.Message, Does.StartWith("Malformed HTTP response from 127.0.0.1:").And.Contain("status code is not three digits (100-999) at byte 9 (near 'HTTP/1.1 2x0 OK')"));
    }

    [Test]
    public async Task A_peer_that_closes_inside_a_chunk_is_reported_as_peer_closed(CancellationToken cancellationToken)
    {
        await using var server = new RawTcpServer(async (socket, token) =>
        {
            await RawTcpServer.ReadRequestHeadAsync(socket, token);
            await socket.SendAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n15\r\n{\"EventType\""u8.ToArray(), token);
            socket.Shutdown(SocketShutdown.Send);
            await Task.Delay(Timeout.Infinite, token);
        });
        await using var connection = await Http1Connection.ConnectAsync(server.Address, Options, cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);
        await connection.ReadResponseHeadAsync(cancellationToken);

        var error = Assert.ThrowsAsync<KvsTransportException>(async () =>
        {
            while (!(await connection.ReadBodyAsync(cancellationToken)).IsEnd)
            {
            }
        });

        Assert.That(error!.Failure, Is.EqualTo(KvsTransportFailure.PeerClosed));
        Assert.That(error.Message, Does.Contain("closed the connection in the middle of the chunked response body (byte 16 of the body"));
    }

    [Test]
    public async Task The_worked_example_ack_stream_is_read_after_skipping_100_continue(CancellationToken cancellationToken)
    {
        // kvs-protocol.md §8.2 byte for byte: interim 100, 200 head, one chunk per ACK, last chunk.
        const string first = "91343852333181432392682062607743920146159169392";
        const string second = "91343852333181432397633822764885441725874549018";
        string[] events =
        [
            $"{{\"EventType\":\"BUFFERING\",\"FragmentTimecode\":1700000000000,\"FragmentNumber\":\"{first}\"}}\n",
            $"{{\"EventType\":\"RECEIVED\",\"FragmentTimecode\":1700000000000,\"FragmentNumber\":\"{first}\"}}\n",
            $"{{\"EventType\":\"BUFFERING\",\"FragmentTimecode\":1700000002000,\"FragmentNumber\":\"{second}\"}}\n",
            $"{{\"EventType\":\"PERSISTED\",\"FragmentTimecode\":1700000000000,\"FragmentNumber\":\"{first}\"}}\n",
            "{\"EventType\":\"IDLE\"}\n",
            $"{{\"EventType\":\"ERROR\",\"FragmentTimecode\":1700000002000,\"FragmentNumber\":\"{second}\",\"ErrorCode\":\"MAX_FRAGMENT_DURATION_REACHED\",\"ErrorId\":4002}}\n",
        ];
        var wire = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nx-amzn-RequestId: 3f0c2a9e-6b1d-4d7c-9d0e-2f1a5b7c8e90\r\nTransfer-Encoding: chunked\r\n\r\n"
            + string.Concat(events.Select(e => $"{e.Length:x}\r\n{e}\r\n")) + "0\r\n\r\n";
        Assert.That(wire, Does.Contain("7e\r\n{\"EventType\":\"BUFFERING\"").And.Contain("b5\r\n{\"EventType\":\"ERROR\""));
        await using var server = new RawTcpServer(async (socket, token) =>
        {
            await RawTcpServer.ReadRequestHeadAsync(socket, token);
            await socket.SendAsync(Encoding.ASCII.GetBytes(wire), token);
            await Task.Delay(Timeout.Infinite, token);
        });
        await using var connection = await Http1Connection.ConnectAsync(server.Address, Options, cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);

        var head = await connection.ReadResponseHeadAsync(cancellationToken);
        var acks = new List<FragmentAck>();
        await foreach (var ack in connection.ReadAcksAsync(cancellationToken))
        {
            acks.Add(ack);
        }

        Assert.That(head.StatusCode, Is.EqualTo(200));
        Assert.That(acks.Select(a => a.EventType), Is.EqualTo(new[]
        {
            FragmentAckEventType.Buffering, FragmentAckEventType.Received, FragmentAckEventType.Buffering,
            FragmentAckEventType.Persisted, FragmentAckEventType.Idle, FragmentAckEventType.Error,
        }));
        Assert.That(acks[^1], Is.EqualTo(new FragmentAck(FragmentAckEventType.Error, 1700000002000, second, 4002, "MAX_FRAGMENT_DURATION_REACHED")));
    }

    [Test]
    public async Task A_body_without_framing_is_read_until_the_peer_closes(CancellationToken cancellationToken)
    {
        await using var server = new RawTcpServer(async (socket, token) =>
        {
            await RawTcpServer.ReadRequestHeadAsync(socket, token);
            await socket.SendAsync("HTTP/1.1 502 Bad Gateway\r\n\r\nupstream gone"u8.ToArray(), token);
            socket.Shutdown(SocketShutdown.Send);
            await Task.Delay(Timeout.Infinite, token);
        });
        await using var connection = await Http1Connection.ConnectAsync(server.Address, Options, cancellationToken);
        await connection.SendRequestHeadAsync("POST", "/putMedia", PutMediaHeaders, cancellationToken);

        var head = await connection.ReadResponseHeadAsync(cancellationToken);

        Assert.That(head.StatusCode, Is.EqualTo(502));
        Assert.That(await ReadBodyTextAsync(connection, cancellationToken), Is.EqualTo("upstream gone"));
    }

    [Test]
    public void Header_values_that_could_split_the_request_head_are_refused()
    {
        KeyValuePair<string, string>[] headers = [new("x-amzn-stream-name", "a\r\nInjected: 1")];

        var error = Assert.Throws<ArgumentException>(() => Http1RequestHeadWriter.Write("POST", "/putMedia", "host", headers, expectContinue: false));

        Assert.That(error!.Message, Does.Contain("header 'x-amzn-stream-name' contains a control or non-ASCII character"));
    }

    [Test]
    public void The_request_head_adds_host_and_chunked_framing()
    {
        var head = Encoding.ASCII.GetString(Http1RequestHeadWriter.Write("POST", "/putMedia", "s-1.kinesisvideo.us-west-2.amazonaws.com", PutMediaHeaders, expectContinue: true));

        Assert.That(head, Is.EqualTo(
            "POST /putMedia HTTP/1.1\r\n" +
            "x-amzn-stream-name: my-camera-stream\r\n" +
            "x-amzn-fragment-timecode-type: ABSOLUTE\r\n" +
            "content-type: application/json\r\n" +
            "Host: s-1.kinesisvideo.us-west-2.amazonaws.com\r\n" +
            "Transfer-Encoding: chunked\r\n" +
            "Expect: 100-continue\r\n\r\n"));
    }

    /// <summary>
    /// A PutMedia-like handler: 200 at once, one BUFFERING ACK per body read (timecode = bytes so far), and at the
    /// end a PERSISTED ACK whose timecode is the body length and whose fragment number is the body's SHA-256.
    /// </summary>
    internal static async Task AckEchoAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.Headers["x-amzn-RequestId"] = "test-request";
        await context.Response.StartAsync();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var reader = context.Request.BodyReader;
        long total = 0;
        var acks = 0;
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                hash.AppendData(segment.Span);
            }

            total += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (!result.Buffer.IsEmpty)
            {
                await context.Response.BodyWriter.WriteAsync(Encoding.UTF8.GetBytes($"{{\"EventType\":\"BUFFERING\",\"FragmentTimecode\":{total},\"FragmentNumber\":\"{++acks}\"}}\n"));
            }

            if (result.IsCompleted)
            {
                break;
            }
        }

        await context.Response.BodyWriter.WriteAsync(Encoding.UTF8.GetBytes($"{{\"EventType\":\"PERSISTED\",\"FragmentTimecode\":{total},\"FragmentNumber\":\"{Convert.ToHexString(hash.GetHashAndReset())}\"}}\n"));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static async Task<string> ReadBodyTextAsync(IDuplexHttpExchange exchange, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        while (true)
        {
            var read = await exchange.ReadBodyAsync(cancellationToken);
            if (read.IsEnd)
            {
                return text.ToString();
            }

            foreach (var segment in read.Data)
            {
                text.Append(Encoding.UTF8.GetString(segment.Span));
            }
        }
    }
}

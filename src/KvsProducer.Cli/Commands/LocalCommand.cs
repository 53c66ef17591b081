using System.CommandLine;
using System.Globalization;
using System.Net;
using KvsProducer.LocalEndpoint;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Cli.Commands;

/// <summary><c>kvs local</c>: runs the local Kinesis Video Streams endpoint until Ctrl+C.</summary>
internal static class LocalCommand
{
    /// <summary>Port <c>kvs local</c> uses when none is given; also the default of <c>kvs fragments</c> and <c>kvs get-media</c>.</summary>
    public const int DefaultPort = 4566;

    internal static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port to listen on (0 = any free port).", DefaultValueFactory = _ => DefaultPort };
        var bind = new Option<string>("--bind") { Description = "Address to bind.", DefaultValueFactory = _ => "127.0.0.1" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory for streams and fragments (kept across restarts); default: a temporary directory deleted on exit." };
        var https = new Option<bool>("--https") { Description = "Serve HTTPS with a generated self-signed certificate (its PEM path is printed)." };
        var http2 = new Option<bool>("--http2") { Description = "With --https, also offer HTTP/2 (ALPN h2). Off by default: the official C producer's PutMedia signature only verifies over HTTP/1.1; unverified against the real service." };
        var accessKey = new Option<string?>("--access-key") { Description = "Verify SigV4 signatures made with this access key id (requires --secret-key)." };
        var secretKey = new Option<string?>("--secret-key") { Description = "Secret key matching --access-key." };
        var sessionToken = new Option<string?>("--session-token") { Description = "With --access-key, also require this session token (X-Amz-Security-Token); without it tokens are ignored." };
        var region = new Option<string>("--region") { Description = "Region used in stream ARNs; with --access-key, requests must be signed for it.", DefaultValueFactory = _ => "us-west-2" };
        var creationDelay = new Option<double>("--creation-delay") { Description = "Seconds a new stream stays CREATING before ACTIVE, as the service does (PutMedia meanwhile gets ERROR 4008).", DefaultValueFactory = _ => 1.0 };
        var deletionDelay = new Option<double>("--deletion-delay") { Description = "Seconds a deleted stream reports DELETING to DescribeStream.", DefaultValueFactory = _ => 2.0 };
        var seed = new Option<int>("--fault-seed") { Description = "Seed for rate-based faults (same seed, same faults)." };
        var dropBytes = new Option<long?>("--drop-after-bytes") { Description = "Fault: drop each PutMedia connection after N body bytes." };
        var dropSeconds = new Option<double?>("--drop-after-seconds") { Description = "Fault: drop each PutMedia connection N seconds after it started." };
        var dropMode = new Option<FaultDropMode>("--drop-mode") { Description = "Fault: how dropped connections end: Reset (RST) or Close (FIN).", DefaultValueFactory = _ => FaultDropMode.Reset };
        var errorAck = new Option<string?>("--error-ack") { Description = "Fault: ERROR ACK with this id at fragment K of each session, as ID or ID@K (e.g. 5000@3)." };
        var ackDelay = new Option<int>("--ack-delay-ms") { Description = "Fault: delay every ACK by this many milliseconds." };
        var stopAcks = new Option<bool>("--stop-acks") { Description = "Fault: send no ACK at all." };
        var throttle = new Option<double>("--throttle-rate") { Description = "Fault: fraction (0-1) of control-plane calls answered ClientLimitExceededException." };
        var serverErrors = new Option<double>("--server-error-rate") { Description = "Fault: fraction (0-1) of control-plane calls answered 500 InternalFailure." };
        var bandwidth = new Option<long?>("--bandwidth-limit") { Description = "Fault: read PutMedia bodies at most this many bytes per second." };
        var refuse = new Option<double?>("--refuse-connections-seconds") { Description = "Fault: reset every new connection for this many seconds after start." };

        var command = new Command("local", "Run a local Kinesis Video Streams endpoint (control plane, PutMedia with ACKs, read-back, faults) on 127.0.0.1.")
        {
            port, bind, dataDir, https, http2, accessKey, secretKey, sessionToken, region, creationDelay, deletionDelay, seed, dropBytes, dropSeconds, dropMode, errorAck, ackDelay, stopAcks, throttle, serverErrors, bandwidth, refuse,
        };

        // The endpoint runs on ASP.NET Core, which kvs loads only here (LocalEndpointHost): the streaming
        // verbs start on the plain .NET runtime. RunAsync is a method of its own, so nothing that needs
        // ASP.NET Core is compiled before the check; the NativeAOT kvs (IsSupported false) trims it away.
        command.SetAction((parse, cancellationToken) => LocalEndpointHost.IsSupported && LocalEndpointHost.IsAspNetCoreLoadable()
            ? RunAsync(parse, cancellationToken)
            : LocalEndpointHost.RefuseAsync("local"));

        return command;

        async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
        {
            LocalKvsFaults faults;
            LocalKvsOptions options;
            try
            {
                (int? errorId, int errorAt) = ParseErrorAck(parse.GetValue(errorAck));
                faults = new LocalKvsFaults
                {
                    Seed = parse.GetValue(seed),
                    DropPutMediaAfterBytes = parse.GetValue(dropBytes),
                    DropPutMediaAfter = parse.GetValue(dropSeconds) is { } s ? TimeSpan.FromSeconds(s) : null,
                    DropMode = parse.GetValue(dropMode),
                    ErrorAckId = errorId,
                    ErrorAckAtFragment = errorAt,
                    AckDelay = TimeSpan.FromMilliseconds(parse.GetValue(ackDelay)),
                    StopAcks = parse.GetValue(stopAcks),
                    ThrottleRate = parse.GetValue(throttle),
                    ServerErrorRate = parse.GetValue(serverErrors),
                    BandwidthLimit = parse.GetValue(bandwidth),
                    RefuseConnectionsFor = parse.GetValue(refuse) is { } r ? TimeSpan.FromSeconds(r) : null,
                };
                options = new LocalKvsOptions
                {
                    Port = parse.GetValue(port),
                    BindAddress = IPAddress.Parse(parse.GetValue(bind)!),
                    DataDirectory = parse.GetValue(dataDir),
                    Https = parse.GetValue(https),
                    Http2 = parse.GetValue(http2),
                    AccessKey = parse.GetValue(accessKey),
                    SecretKey = parse.GetValue(secretKey),
                    SessionToken = parse.GetValue(sessionToken),
                    Region = parse.GetValue(region)!,
                    StreamCreationDelay = TimeSpan.FromSeconds(parse.GetValue(creationDelay)),
                    StreamDeletionDelay = TimeSpan.FromSeconds(parse.GetValue(deletionDelay)),
                    Faults = faults,
                };
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                await Console.Error.WriteLineAsync($"kvs local: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            using ILoggerFactory loggerFactory = LoggerFactory.Create(b => b
                .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
                .SetMinimumLevel(LogLevel.Information)
                .AddFilter("Microsoft", LogLevel.Warning)
                .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None)); // start failures: one line below, not its stack trace
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                await using LocalKvs kvs = await LocalKvs.StartAsync(options with { LoggerFactory = loggerFactory }, stop.Token).ConfigureAwait(false);
                Console.WriteLine($"Local KVS endpoint: {kvs.Url}");
                Console.WriteLine($"Data directory:     {kvs.DataDirectory}{(options.DataDirectory is null ? " (temporary)" : string.Empty)}");
                if (kvs.CertificatePath is not null)
                {
                    Console.WriteLine($"Trust certificate:  {kvs.CertificatePath}");
                }

                Console.WriteLine("Press Ctrl+C to stop.");
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                return 0;
            }
            catch (ArgumentException e)
            {
                // An option combination LocalKvsOptions refuses (e.g. --http2 without --https). One line: not
                // the "(Parameter 'Port') Actual value was ..." lines .NET appends to the message.
                var line = e.Message.ReplaceLineEndings("\n").Split('\n')[0].Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal)
                    + (e is ArgumentOutOfRangeException { ActualValue: { } value } ? $" Got {value}." : string.Empty);
                await Console.Error.WriteLineAsync($"kvs local: {line}").ConfigureAwait(false);
                return 2;
            }
            catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException or InvalidOperationException)
            {
                // Kestrel's bind failure: an IOException around the socket error (AddressInUseException is an InvalidOperationException).
                await Console.Error.WriteLineAsync($"kvs local: cannot listen on {options.BindAddress}:{options.Port}: {e.Message} (choose another --port, or 0 for any free one).").ConfigureAwait(false);
                return 1;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Anything else on disk: the data directory (created, probed, its state file read at start).
                await Console.Error.WriteLineAsync($"kvs local: cannot use the data directory {options.DataDirectory ?? "(temporary)"}: {e.Message} (give a writable --data-dir).").ConfigureAwait(false);
                return 1;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }
    }

    /// <summary>Parses <c>ID</c> or <c>ID@K</c>.</summary>
    internal static (int? Id, int AtFragment) ParseErrorAck(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return (null, 1);
        }

        string[] parts = value.Split('@');
        if (parts.Length > 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int id)
            || (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new FormatException($"--error-ack '{value}' is not ID or ID@K, e.g. 4002 or 5000@3.");
        }

        return (id, parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 1);
    }
}

using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KvsProducer.Auth;
using KvsProducer.LocalEndpoint;
using KvsProducer.Media;

namespace KvsProducer.Cli.Commands;

/// <summary>
/// <c>kvs demo</c>: the whole pipeline with nothing to set up — a local endpoint in process, a
/// camera-like source (FFmpeg test pattern encoded to H.264 in real time), MKV packaging, the
/// retrying buffer, PutMedia with ACKs, one injected connection drop to show recovery, a summary,
/// and the stream read back through GetMedia into a playable file.
/// </summary>
internal static class DemoCommand
{
    private const string StreamName = "kvs-demo";

    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder for the endpoint's data and the file read back.", DefaultValueFactory = _ => new DirectoryInfo("artifacts/demo") };
        var duration = new Option<string>("--duration") { Description = "How much video to stream.", DefaultValueFactory = _ => "20s" };
        var command = new Command("demo", "Stream a camera-like source to a local Kinesis Video Streams endpoint, with one connection drop, and read it back.") { output, duration };
        // The demo's endpoint needs ASP.NET Core, loaded only when present (LocalEndpointHost, as kvs local).
        command.SetAction((result, cancellationToken) => LocalEndpointHost.IsSupported && LocalEndpointHost.IsAspNetCoreLoadable()
            ? CliErrors.RunAsync("demo", async () =>
            {
                var summary = await RunAsync(result.GetValue(output)!, OptionParsers.ParseDuration(result.GetValue(duration)!), cancellationToken).ConfigureAwait(false);
                Console.WriteLine(summary);
            }, cancellationToken, summarize: null)
            : LocalEndpointHost.RefuseAsync("demo"));
        return command;
    }

    public static async Task<string> RunAsync(DirectoryInfo output, TimeSpan duration, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(output.FullName, "kvs-data");
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }

        await using var kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = dataDirectory }, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"Local Kinesis Video Streams endpoint: {kvs.Url} (data in {dataDirectory})");

        await using var producer = new KinesisVideoProducer(new ProducerOptions
        {
            Region = "us-west-2",
            ServiceUrl = kvs.Url,
            Credentials = new StaticCredentialsProvider("AKIDLOCALDEMO", "local-demo-secret"),
        });
        var start = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await using var camera = new OpenedSource(
            MediaSource.Open("testsrc:?size=1280x720&rate=25", new MediaSourceOptions { KeyFrameInterval = TimeSpan.FromSeconds(2), PaceToRealTime = true }),
            start,
            duration);
        // One dropped connection mid-stream: the endpoint takes its faults when a PutMedia session starts,
        // so the first session is told to be reset halfway, and the fault is cleared once it has begun.
        kvs.Faults = new LocalKvsFaults { DropPutMediaAfter = duration / 2, DropMode = FaultDropMode.Reset };
        await using var stream = await producer.StartStreamAsync(new StreamDefinition(StreamName)
        {
            CreateIfMissing = true,
            Tracks = [camera.Track],
            ConnectionStaleAfter = TimeSpan.FromSeconds(5),
        }, cancellationToken).ConfigureAwait(false);
        var faultCleared = 0;
        stream.FragmentAcknowledged += (_, _) =>
        {
            if (Interlocked.Exchange(ref faultCleared, 1) == 0)
            {
                kvs.Faults = LocalKvsFaults.None;
            }
        };

        var latency = new AckLatency(stream);
        var reconnects = 0;
        stream.ErrorOccurred += (_, e) =>
        {
            Interlocked.Increment(ref reconnects);
            Console.WriteLine($"  ! {e.Error.Message} — reconnecting in {e.RetryIn.TotalMilliseconds:0} ms");
        };
        long dropped = 0;
        stream.FramesDropped += (_, e) => Interlocked.Add(ref dropped, e.FrameCount);

        Console.WriteLine($"Streaming {duration.TotalSeconds:0} s of a 1280x720 test pattern, encoded to {camera.Track.Codec} by FFmpeg in real time, to stream '{StreamName}';");
        Console.WriteLine($"  the endpoint will reset the PutMedia connection {(duration / 2).TotalSeconds:0} s in, to show recovery...");
        long framesPut = 0;
        await foreach (var frame in camera.ReadFramesAsync(cancellationToken).ConfigureAwait(false))
        {
            latency.OnFramePut(frame);
            if (stream.PutFrame(frame))
            {
                framesPut++;
            }
        }

        await stream.StopAsync(cancellationToken).ConfigureAwait(false);
        var metrics = stream.GetMetrics();

        using var http = new HttpClient { BaseAddress = kvs.Url };
        var fragments = await ListFragmentsAsync(http, cancellationToken).ConfigureAwait(false);
        var playable = Path.Combine(output.FullName, StreamName + ".mkv");
        var bytes = await GetMediaAsync(http, playable, cancellationToken).ConfigureAwait(false);

        var lost = framesPut - metrics.PersistedFrames - Interlocked.Read(ref dropped);
        return string.Create(CultureInfo.InvariantCulture, $"""

            Summary
              frames put:            {framesPut} ({stream.FramesSkipped} skipped before the first key frame)
              frames persisted:      {metrics.PersistedFrames}
              frames lost:           {lost} (dropped and reported: {Interlocked.Read(ref dropped)})
              fragments persisted:   {fragments} (stored by the endpoint)
              ACK latency (key frame put → PERSISTED): p50 {latency.Percentile(0.5):0} ms, p99 {latency.Percentile(0.99):0} ms
              reconnects:            {reconnects}
              read back (GetMedia):  {playable} ({bytes} bytes; play it with ffplay or VLC)
            """);
    }

    private static async Task<int> ListFragmentsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync("/listFragments", JsonBody($$"""{"StreamName":"{{StreamName}}","MaxResults":1000}"""), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return document.RootElement.GetProperty("Fragments").GetArrayLength();
    }

    /// <summary>A fixed request body (the stream name is a constant): no reflection-based serializer, so kvs stays trimmable for NativeAOT.</summary>
    private static StringContent JsonBody(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>GetMedia from the earliest fragment; the response stays open for live data, so stop once it goes quiet.</summary>
    private static async Task<long> GetMediaAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/getMedia")
        {
            Content = JsonBody($$$"""{"StreamName":"{{{StreamName}}}","StartSelector":{"StartSelectorType":"EARLIEST"}}"""),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var file = File.Create(path);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            quiet.CancelAfter(TimeSpan.FromSeconds(1));
            int read;
            try
            {
                read = await body.ReadAsync(buffer, quiet.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        return file.Length;
    }
}

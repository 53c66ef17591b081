using System.Globalization;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using KvsProducer.LocalEndpoint;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Issue 3 §9: 100 PutMedia streams at once, each paced at 2 Mbit/s (one 25 KiB frame every
/// 100 ms, 1-second fragments) for 3 seconds, into one <see cref="LocalKvs"/> with retention.
/// Mean ≈ 3 s when the endpoint keeps up; the managed heap after the run is printed to show that
/// memory stays flat (nothing per stream is kept beyond the session).
/// </summary>
[MemoryDiagnoser]
public class LocalEndpointConcurrentStreamsBenchmark
{
    private const int Streams = 100;
    private const int FrameBytes = 25 * 1024;
    private const int FramesPerSecond = 10;
    private const int Seconds = 3;
    private LocalKvs _kvs = null!;
    private byte[] _header = null!;
    private long _session;

    [GlobalSetup]
    public async Task Setup()
    {
        _kvs = await LocalKvs.StartAsync(new LocalKvsOptions());
        using var http = new HttpClient { BaseAddress = _kvs.Url };
        for (int i = 0; i < Streams; i++)
        {
            using HttpResponseMessage created = await http.PostAsync("/createStream", new StringContent($$"""{"StreamName":"s{{i}}","DataRetentionInHours":1}"""));
            created.EnsureSuccessStatusCode();
        }

        _header = LocalEndpointIngestBenchmark.Mkv.Header();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        GC.Collect();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// Managed heap after {_session} rounds of {Streams} streams: {GC.GetTotalMemory(forceFullCollection: true) / 1024.0 / 1024.0:F1} MiB"));
        await _kvs.DisposeAsync();
    }

    [Benchmark(Description = "100 streams x 2 Mbit/s x 3 s")]
    public async Task<int> HundredStreams()
    {
        long start = 1_700_000_000_000 + (++_session * Seconds * 1000 * 2);
        int[] persisted = await Task.WhenAll(Enumerable.Range(0, Streams).Select(i => StreamAsync("s" + i.ToString(CultureInfo.InvariantCulture), start)));
        int total = persisted.Sum();
        if (total != Streams * Seconds)
        {
            throw new InvalidOperationException($"Expected {Streams * Seconds} PERSISTED ACKs, got {total}.");
        }

        return total;
    }

    private async Task<int> StreamAsync(string name, long start)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(_kvs.Url.Host, _kvs.Url.Port);
        NetworkStream stream = client.GetStream();
        string head = $"POST /putMedia HTTP/1.1\r\nHost: {_kvs.Url.Authority}\r\nTransfer-Encoding: chunked\r\nx-amzn-stream-name: {name}\r\n"
            + "x-amzn-fragment-timecode-type: ABSOLUTE\r\nx-amzn-producer-start-timestamp: 1700000000.000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        Task<int> reading = CountAsync(stream);
        await Chunk(stream, _header);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000 / FramesPerSecond));
        for (int second = 0; second < Seconds; second++)
        {
            // One fragment per second: a cluster header, then one frame per tick.
            byte[] cluster = LocalEndpointIngestBenchmark.Mkv.Cluster(start + (second * 1000), FramesPerSecond, FrameBytes);
            int clusterHead = cluster.Length - (FramesPerSecond * (FrameBytes + 13));
            await Chunk(stream, cluster.AsMemory(0, clusterHead));
            for (int frame = 0; frame < FramesPerSecond; frame++)
            {
                await timer.WaitForNextTickAsync();
                await Chunk(stream, cluster.AsMemory(clusterHead + (frame * (FrameBytes + 13)), FrameBytes + 13));
            }
        }

        await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        return await reading;
    }

    private static async Task Chunk(NetworkStream stream, ReadOnlyMemory<byte> data)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
        await stream.WriteAsync(data);
        await stream.WriteAsync("\r\n"u8.ToArray());
    }

    private static async Task<int> CountAsync(NetworkStream stream)
    {
        var text = new StringBuilder();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        string all = text.ToString();
        int count = 0;
        for (int i = all.IndexOf("PERSISTED", StringComparison.Ordinal); i >= 0; i = all.IndexOf("PERSISTED", i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

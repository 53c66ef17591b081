using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using KvsProducer.LocalEndpoint;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Issue 3 §9: one PutMedia stream ingesting on loopback into a real <see cref="LocalKvs"/>:
/// 64 MiB per operation in 1 MiB fragments (16 frames of 64 KiB each), uploaded with 64 KiB
/// chunks over a raw HTTP/1.1 socket, the operation ending when the endpoint has answered
/// RECEIVED (retention 0) or PERSISTED (retention 24 h, fsync per fragment) for every fragment.
/// MB/s = 64 MiB / Mean.
/// </summary>
[MemoryDiagnoser]
public class LocalEndpointIngestBenchmark
{
    private const int Fragments = 64;
    private const int FramesPerFragment = 16;
    private const int FrameBytes = 64 * 1024;
    private LocalKvs _kvs = null!;
    private byte[] _header = null!;
    private byte[][] _clusters = null!;
    private string _stream = null!;

    [Params(0, 24)]
    public int RetentionHours { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _kvs = await LocalKvs.StartAsync(new LocalKvsOptions());
        _stream = "bench-" + RetentionHours.ToString(CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = _kvs.Url };
        using HttpResponseMessage created = await http.PostAsync("/createStream", new StringContent($$"""{"StreamName":"{{_stream}}","DataRetentionInHours":{{RetentionHours}}}"""));
        created.EnsureSuccessStatusCode();
        _header = Mkv.Header();
        _clusters = new byte[Fragments][];
        _cpuAtStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    }

    private TimeSpan _cpuAtStart;
    private long _operations;

    [GlobalCleanup]
    public async Task Cleanup()
    {
        // Issue 3 §9: CPU seconds per GB ingested (client and endpoint share this process, so
        // this is an upper bound for the endpoint alone), printed into the benchmark log.
        double gigabytes = _operations * (double)Fragments * FramesPerFragment * FrameBytes / 1e9;
        double cpu = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalSeconds;
        if (gigabytes > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// CPU per GB ingested (RetentionHours={RetentionHours}): {cpu / gigabytes:F2} s over {gigabytes:F2} GB"));
        }

        await _kvs.DisposeAsync();
    }

    [IterationSetup]
    public void Timecodes()
    {
        // Fresh, increasing timecodes per operation (a new session may restart anywhere, but the
        // clusters inside one PutMedia must increase).
        long start = 1_700_000_000_000 + (Environment.TickCount64 % 1_000_000) * 1000;
        for (int i = 0; i < Fragments; i++)
        {
            _clusters[i] = Mkv.Cluster(start + (i * 1000), FramesPerFragment, FrameBytes);
        }
    }

    [Benchmark(Description = "PutMedia 64 MiB, 1 MiB fragments")]
    public async Task<int> Ingest()
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(_kvs.Url.Host, _kvs.Url.Port);
        NetworkStream stream = client.GetStream();
        string head = $"POST /putMedia HTTP/1.1\r\nHost: {_kvs.Url.Authority}\r\nTransfer-Encoding: chunked\r\nx-amzn-stream-name: {_stream}\r\n"
            + "x-amzn-fragment-timecode-type: ABSOLUTE\r\nx-amzn-producer-start-timestamp: 1700000000.000\r\nx-amzn-fragment-acknowledgment-required: 1\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        Task<(int, string)> reading = CountAcksAsync(stream, RetentionHours > 0 ? "PERSISTED" : "RECEIVED");
        await WriteChunkAsync(stream, _header);
        foreach (byte[] cluster in _clusters)
        {
            for (int offset = 0; offset < cluster.Length; offset += FrameBytes)
            {
                await WriteChunkAsync(stream, cluster.AsMemory(offset, Math.Min(FrameBytes, cluster.Length - offset)));
            }
        }

        await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        (int acknowledged, string response) = await reading;
        _operations++;
        if (acknowledged != Fragments)
        {
            throw new InvalidOperationException($"Expected {Fragments} final ACKs, got {acknowledged}: {response[..Math.Min(2000, response.Length)]}");
        }

        return acknowledged;
    }

    private static async Task WriteChunkAsync(NetworkStream stream, ReadOnlyMemory<byte> data)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
        await stream.WriteAsync(data);
        await stream.WriteAsync("\r\n"u8.ToArray());
    }

    // Counts occurrences of the final event name in the whole response, until the server ends it.
    private static async Task<(int Count, string Response)> CountAcksAsync(NetworkStream stream, string eventType)
    {
        var text = new StringBuilder();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
            string sofar = text.ToString();
            int body = sofar.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (body >= 0 && ("\r\n" + sofar[(body + 4)..]).EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
            {
                break; // the terminating chunk
            }
        }

        string all = text.ToString();
        int count = 0;
        for (int i = all.IndexOf(eventType, StringComparison.Ordinal); i >= 0; i = all.IndexOf(eventType, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return (count, all);
    }

    /// <summary>PIC-shaped MKV bytes (kvs-protocol.md §8.3), independent of the endpoint's code.</summary>
    internal static class Mkv
    {
        public static byte[] Header()
        {
            byte[] ebml = [0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0xF2, 0x81, 0x04, 0x42, 0xF3, 0x81, 0x08,
                0x42, 0x82, 0x88, (byte)'m', (byte)'a', (byte)'t', (byte)'r', (byte)'o', (byte)'s', (byte)'k', (byte)'a', 0x42, 0x87, 0x81, 0x02, 0x42, 0x85, 0x81, 0x02];
            byte[] segment = [0x18, 0x53, 0x80, 0x67, 0xFF];
            byte[] info = [0x15, 0x49, 0xA9, 0x66, 0x8C, 0x2A, 0xD7, 0xB1, 0x88, 0, 0, 0, 0, 0, 0x0F, 0x42, 0x40];
            byte[] codec = Encoding.ASCII.GetBytes("V_MPEG4/ISO/AVC");
            byte[] entry = [0xD7, 0x81, 0x01, 0x73, 0xC5, 0x81, 0x01, 0x83, 0x81, 0x01, 0x86, (byte)(0x80 | codec.Length), .. codec];
            byte[] tracks = [0x16, 0x54, 0xAE, 0x6B, (byte)(0x80 | (entry.Length + 2)), 0xAE, (byte)(0x80 | entry.Length), .. entry];
            return [.. ebml, .. segment, .. info, .. tracks];
        }

        public static byte[] Cluster(long timecode, int frames, int frameBytes)
        {
            var bytes = new List<byte>(frames * (frameBytes + 16) + 32) { 0x1F, 0x43, 0xB6, 0x75, 0xFF, 0xE7, 0x88 };
            byte[] tc = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(tc, timecode);
            bytes.AddRange(tc);
            for (int i = 0; i < frames; i++)
            {
                int payload = 4 + frameBytes;
                bytes.AddRange([0xA3, 0x01, 0, 0, 0, 0, (byte)(payload >> 16), (byte)(payload >> 8), (byte)payload]);
                bytes.AddRange([0x81, (byte)((i * 33) >> 8), (byte)(i * 33), i == 0 ? (byte)0x80 : (byte)0]);
                bytes.AddRange(new byte[frameBytes]);
            }

            return [.. bytes];
        }
    }
}

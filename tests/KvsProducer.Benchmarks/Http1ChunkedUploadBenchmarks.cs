using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
/// <see cref="ChunkBytes"/>; the MB/s column is body bytes per second. The sink is a raw socket reader rather than
/// Kestrel: this project has no ASP.NET Core framework reference.
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

    [GlobalSetup]
    public void Setup()
    {
        _chunk = new byte[ChunkBytes];
        new Random(1).NextBytes(_chunk);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1);
        _sink = Task.Run(async () =>
        {
            using var socket = await _listener.AcceptAsync();
            var buffer = new byte[256 * 1024];
            while (await socket.ReceiveAsync(buffer) > 0)
            {
            }
        });
        var endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}/");
        _connection = Http1Connection.ConnectAsync(endpoint, HttpTransportOptions.Default, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _connection.SendRequestHeadAsync("POST", "/putMedia", [new("x-amzn-stream-name", "bench")], CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _sink.Wait(TimeSpan.FromSeconds(5));
        _listener.Dispose();
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
        public MegabytesPerSecondConfig() => AddColumn(new MegabytesPerSecondColumn());

        private sealed class MegabytesPerSecondColumn : IColumn
        {
            public string Id => "MBps";

            public string ColumnName => "MB/s";

            public bool AlwaysShow => true;

            public ColumnCategory Category => ColumnCategory.Statistics;

            public int PriorityInCategory => 10;

            public bool IsNumeric => true;

            public UnitType UnitType => UnitType.Dimensionless;

            public string Legend => "Body bytes written per second, in 10^6 bytes";

            public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

            public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
            {
                var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
                var bytes = benchmarkCase.Parameters[nameof(ChunkBytes)] as int?;
                return mean is null || bytes is null ? "-" : (bytes.Value / mean.Value * 1000).ToString("0", CultureInfo.InvariantCulture);
            }

            public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

            public bool IsAvailable(Summary summary) => true;
        }
    }
}

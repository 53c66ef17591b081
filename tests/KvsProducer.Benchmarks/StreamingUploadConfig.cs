using BenchmarkDotNet.Configs;

namespace KvsProducer.Benchmarks;

/// <summary>Adds an MB/s column to <see cref="StreamingUploadBenchmarks"/>: the frame bytes of one upload over its mean time.</summary>
public sealed class StreamingUploadConfig : ManualConfig
{
    public StreamingUploadConfig() =>
        AddColumn(new RateColumn("UploadRate", "Frame bytes put per second, first put to last PERSISTED, in 10^6 bytes", _ => StreamingUploadBenchmarks.UploadBytes, megabytes: true));
}

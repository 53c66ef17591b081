using BenchmarkDotNet.Configs;

namespace KvsProducer.Benchmarks;

/// <summary>The columns of <see cref="FrameToPersistedLatencyBenchmarks"/>: latency percentiles over every measured fragment.</summary>
public sealed class FrameToPersistedLatencyConfig : ManualConfig
{
    public FrameToPersistedLatencyConfig()
    {
        AddColumn(
            new MeasuredFigureColumn("keyToPersisted", "Key→PERSISTED p50 ms", "From PutFrame of a fragment's key frame to its PERSISTED ACK (includes the 1 s fragment), median over all fragments", MeasuredFigureColumn.Percentile(50, "0")),
            new MeasuredFigureColumn("keyToPersisted", "Key→PERSISTED p99 ms", "The same, 99th percentile (nearest rank)", MeasuredFigureColumn.Percentile(99, "0")),
            new MeasuredFigureColumn("closedToPersisted", "Close→PERSISTED p50 ms", "From PutFrame of the key frame that closes a fragment to its PERSISTED ACK, median", MeasuredFigureColumn.Percentile(50, "0.0")),
            new MeasuredFigureColumn("closedToPersisted", "Close→PERSISTED p99 ms", "The same, 99th percentile (nearest rank)", MeasuredFigureColumn.Percentile(99, "0.0")),
            new MeasuredFigureColumn("closedToPersisted", "Fragments", "Latency samples (fragments) over the measured runs", MeasuredFigureColumn.Count()),
            new MeasuredFigureColumn("producerCpu", "Producer %core", "Producer CPU share during the run, median", MeasuredFigureColumn.Percentile(50, "0.00")));
    }
}

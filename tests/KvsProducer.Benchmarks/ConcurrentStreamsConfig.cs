using BenchmarkDotNet.Configs;

namespace KvsProducer.Benchmarks;

/// <summary>The columns of <see cref="ConcurrentStreamsBenchmarks"/>: CPU shares and latencies it measures itself.</summary>
public sealed class ConcurrentStreamsConfig : ManualConfig
{
    public ConcurrentStreamsConfig()
    {
        AddColumn(
            new MeasuredFigureColumn("producerCpu", "Producer %core", "Producer CPU time over wall time, % of one core: median of the measured runs", MeasuredFigureColumn.Percentile(50, "0.00")),
            new MeasuredFigureColumn("producerCpu", "Producer %core range", "Producer CPU share, lowest–highest run", MeasuredFigureColumn.Range("0.00")),
            new MeasuredFigureColumn("producerCpuFullRate", "Producer %core full rate", "Producer CPU per frame × 50 streams × 25 fps, % of one core: median (the run starts streams staggered, so it is a little under full rate)", MeasuredFigureColumn.Percentile(50, "0.00")),
            new MeasuredFigureColumn("producerCpuFullRate", "full rate range", "The same, lowest–highest run", MeasuredFigureColumn.Range("0.00")),
            new MeasuredFigureColumn("endpointCpu", "Endpoint %core", "kvs local (child process) CPU time over wall time, % of one core: median", MeasuredFigureColumn.Percentile(50, "0.0")),
            new MeasuredFigureColumn("keyToPersisted", "Key→PERSISTED p50 ms", "From PutFrame of a fragment's key frame to its PERSISTED ACK (includes the 1 s fragment), median over all fragments", MeasuredFigureColumn.Percentile(50, "0")),
            new MeasuredFigureColumn("keyToPersisted", "Key→PERSISTED p99 ms", "The same, 99th percentile", MeasuredFigureColumn.Percentile(99, "0")),
            new MeasuredFigureColumn("closedToPersisted", "Close→PERSISTED p50 ms", "From PutFrame of the key frame that closes a fragment to its PERSISTED ACK, median", MeasuredFigureColumn.Percentile(50, "0.0")),
            new MeasuredFigureColumn("closedToPersisted", "Close→PERSISTED p99 ms", "The same, 99th percentile", MeasuredFigureColumn.Percentile(99, "0.0")),
            new MeasuredFigureColumn("closedToPersisted", "Fragments", "Latency samples (fragments) over the measured runs", MeasuredFigureColumn.Count()));
    }
}

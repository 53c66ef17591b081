namespace KvsProducer.Benchmarks;

/// <summary>What one <see cref="PacedStreamsRun"/> measured.</summary>
internal sealed record PacedStreamsResult(
    TimeSpan Elapsed,
    TimeSpan ProducerCpu,
    TimeSpan EndpointCpu,
    long FramesPut,
    long FramesRefused,
    long FramesDropped,
    long FramesPersisted,
    long Sessions,
    double[] KeyFrameToPersistedMs,
    double[] ClosingKeyFrameToPersistedMs)
{
    /// <summary>Producer CPU time as a percentage of one core over the run's wall time.</summary>
    public double ProducerCorePercent => 100 * ProducerCpu / Elapsed;

    public double EndpointCorePercent => 100 * EndpointCpu / Elapsed;

    /// <summary>Producer CPU time per frame put, in microseconds (everything included: put, send, ACKs, stop).</summary>
    public double ProducerMicrosecondsPerFrame => ProducerCpu.TotalMicroseconds / FramesPut;

    /// <summary>
    /// The producer's share of one core with every stream at full rate: CPU per frame × frames per
    /// second. The run itself is a little under full rate (streams start staggered), which
    /// <see cref="ProducerCorePercent"/> would flatter by a few percent.
    /// </summary>
    public double ProducerCorePercentAt(double framesPerSecond) => ProducerMicrosecondsPerFrame * framesPerSecond / 1e4;

    /// <summary>Every accepted frame must be PERSISTED, else the figures describe a broken run.</summary>
    public void ThrowIfFramesLost()
    {
        if (FramesRefused != 0 || FramesDropped != 0 || FramesPersisted != FramesPut)
        {
            throw new InvalidOperationException($"Run lost frames: put {FramesPut}, refused {FramesRefused}, dropped {FramesDropped}, persisted {FramesPersisted}.");
        }
    }

    public override string ToString() =>
        $"{FramesPut} frames in {Elapsed.TotalSeconds:0.00} s: producer CPU {ProducerCpu.TotalMilliseconds:0} ms ({ProducerCorePercent:0.00} % of one core, {ProducerMicrosecondsPerFrame:0.0} µs per frame), "
        + $"endpoint CPU {EndpointCpu.TotalMilliseconds:0} ms ({EndpointCorePercent:0.0} %), {Sessions} PutMedia sessions, latency samples {KeyFrameToPersistedMs.Length}";
}

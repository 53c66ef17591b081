using System.Globalization;

namespace KvsProducer.Cli;

/// <summary>
/// What a stream has done so far: counts from its events and metrics, ACK latency, and progress when the
/// source's size is known. Shown as a live line on a terminal, as plain log lines otherwise.
/// </summary>
internal sealed class StreamStatus
{
    private readonly KinesisVideoStream _stream;
    private readonly AckLatency _latency;
    private readonly Func<double?> _progress;
    private long _framesPut;
    private long _fragmentsPersisted;
    private long _framesDropped;
    private long _errorAcks;

    public StreamStatus(KinesisVideoStream stream, Func<double?> progress)
    {
        _stream = stream;
        _progress = progress;
        _latency = new AckLatency(stream);
        stream.FragmentAcknowledged += (_, ack) =>
        {
            if (ack.EventType == FragmentAckEventType.Persisted)
            {
                Interlocked.Increment(ref _fragmentsPersisted);
            }
            else if (ack.EventType == FragmentAckEventType.Error)
            {
                Interlocked.Increment(ref _errorAcks);
            }
        };
        stream.FramesDropped += (_, e) => Interlocked.Add(ref _framesDropped, e.FrameCount);
        stream.ErrorOccurred += (_, e) =>
        {
            TerminalLine.Message($"kvs: {e.Error.Message}{(e.IsFatal ? string.Empty : $" (retrying in {e.RetryIn.TotalSeconds:0.#} s)")}");
        };
    }

    public void OnFramePut(in Frame frame)
    {
        Interlocked.Increment(ref _framesPut);
        _latency.OnFramePut(frame);
    }

    public StreamReport Report(TimeSpan elapsed)
    {
        var metrics = _stream.GetMetrics();
        return new StreamReport(
            _stream.Name,
            Math.Round(elapsed.TotalSeconds, 1),
            Interlocked.Read(ref _framesPut),
            metrics.PersistedFrames,
            Interlocked.Read(ref _framesDropped),
            _stream.FramesSkipped,
            Interlocked.Read(ref _fragmentsPersisted),
            Math.Round(metrics.CurrentFrameRate, 1),
            Math.Round(metrics.CurrentTransferRate * 8 / 1000),
            Math.Round(metrics.CurrentViewDuration.TotalSeconds, 1),
            Math.Round(_latency.Percentile(0.5)),
            Math.Round(_latency.Percentile(0.99)),
            Math.Max(0, metrics.TotalSessions - 1), // real reconnects: sessions after the first, not error events (issue 11)
            Interlocked.Read(ref _errorAcks),
            _progress());
    }

    public static string Format(StreamReport r)
    {
        var progress = r.Progress is { } p ? string.Create(CultureInfo.InvariantCulture, $"{ProgressBar(p)} ") : string.Empty;
        var eta = r.Progress is > 0.01 and < 1 ? string.Create(CultureInfo.InvariantCulture, $", ETA {TimeSpan.FromSeconds(Math.Round(r.ElapsedSeconds * (1 - r.Progress.Value) / r.Progress.Value)):c}") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"{progress}{r.Stream}: {r.ElapsedSeconds:0.0} s{eta}, {r.FramesPut} frames ({r.FrameRate:0.#} fps), {r.KilobitsPerSecond:0} kbit/s, buffer {r.BufferSeconds:0.0} s, "
            + $"{r.FragmentsPersisted} fragments persisted, ACK p50 {Ms(r.AckLatencyP50Milliseconds)}, {r.FramesDropped} dropped, {r.Reconnects} reconnects");
    }

    private static string Ms(double value) => double.IsNaN(value) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{value:0} ms");

    private static string ProgressBar(double fraction)
    {
        const int Width = 20;
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * Width);
        return string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,3:0}%");
    }
}

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
    private readonly OpenedSource _source;
    private readonly UploadProgress? _progress;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly long _started;
    private long _framesPut;
    private long _framesDropped;
    private long _errorAcks;
    private long _skippedBeforeFirstStored = -1;

    public StreamStatus(KinesisVideoStream stream, OpenedSource source)
    {
        _stream = stream;
        _source = source;
        _progress = source.Progress is null ? null : new UploadProgress();
        _started = _time.GetTimestamp();
        _latency = new AckLatency(stream);
        stream.FragmentAcknowledged += (_, ack) =>
        {
            if (ack.EventType == FragmentAckEventType.Error)
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

    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    public void OnFramePut(in Frame frame)
    {
        Interlocked.Increment(ref _framesPut);
        _latency.OnFramePut(frame);
    }

    /// <summary>
    /// Whether the stream took the frame. Frames the packager skips before the first stored frame wait for
    /// a key frame (normal at a camera's start); skips after it are frames of a fragment whose start was
    /// dropped (an ERROR acknowledgement, a full buffer), lost like the dropped ones (issue 11: not "0 dropped").
    /// </summary>
    public void OnFrameStored(bool stored)
    {
        if (stored && Interlocked.Read(ref _skippedBeforeFirstStored) < 0)
        {
            Interlocked.Exchange(ref _skippedBeforeFirstStored, _stream.FramesSkipped);
        }
    }

    /// <summary>Every fragment was acknowledged: the upload is complete.</summary>
    public void OnDrained() => _progress?.Complete();

    public StreamReport Report(CliFailure? outcome = null)
    {
        var metrics = _stream.GetMetrics();
        var elapsed = Elapsed;
        if (_source.Progress is { } read)
        {
            _progress?.Sample(elapsed, read, metrics);
        }

        var skipped = _stream.FramesSkipped;
        var skippedAtStart = Interlocked.Read(ref _skippedBeforeFirstStored) is >= 0 and var atStart ? atStart : skipped;
        return new StreamReport(
            _stream.Name,
            Math.Round(elapsed.TotalSeconds, 1),
            Interlocked.Read(ref _framesPut),
            metrics.PersistedFrames,
            Interlocked.Read(ref _framesDropped) + (skipped - skippedAtStart),
            skippedAtStart,
            metrics.PersistedFragments, // each fragment once, however many sessions sent it (issue 11)
            Math.Round(metrics.CurrentFrameRate, 1),
            Math.Round(metrics.CurrentTransferRate * 8 / 1000),
            Math.Round(metrics.CurrentViewDuration.TotalSeconds, 1),
            Math.Round(_latency.Percentile(0.5)),
            Math.Round(_latency.Percentile(0.99)),
            Math.Max(0, metrics.TotalSessions - 1), // real reconnects: sessions after the first, not error events (issue 11)
            Interlocked.Read(ref _errorAcks),
            _progress?.Fraction,
            _progress?.EtaSeconds,
            metrics.PersistedUnconfirmedFrames,
            metrics.ResentUnconfirmedFrames,
            outcome?.ExitCode ?? ExitCodes.Success,
            outcome?.Line,
            metrics.SpilledFrames,
            DiskBufferReport.Of(_stream.GetDiskBufferMetrics()));
    }

    /// <summary>The summary of a run that failed before its stream started: nothing was sent.</summary>
    public static StreamReport NothingSent(string stream, TimeSpan elapsed, CliFailure outcome) =>
        new(stream, Math.Round(elapsed.TotalSeconds, 1), 0, 0, 0, 0, 0, 0, 0, 0, double.NaN, double.NaN, 0, 0, null, null, 0, 0, outcome.ExitCode, outcome.Line);

    /// <summary>
    /// One line, most important fields first (<see cref="TerminalLine.Fit"/> drops trailing ones on a narrow
    /// terminal): the persisted progress and its ETA lead, so they survive on 80 columns.
    /// </summary>
    public static string Format(StreamReport r)
    {
        var progress = r.Progress is { } p ? string.Create(CultureInfo.InvariantCulture, $"{ProgressBar(p)} ") : string.Empty;
        var eta = r.Progress is < 1 && r.EtaSeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $", ETA {TimeSpan.FromSeconds(seconds):c}") : string.Empty;
        var spilled = r.DiskBuffer is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", {r.FramesSpilled} spilled to disk");
        return string.Create(CultureInfo.InvariantCulture,
            $"{progress}{r.Stream}: {r.ElapsedSeconds:0.0} s{eta}, {r.FramesPut} frames ({r.FrameRate:0.#} fps), {r.KilobitsPerSecond:0} kbit/s, buffer {r.BufferSeconds:0.0} s, "
            + $"{r.FragmentsPersisted} fragments persisted, ACK p50 {Ms(r.AckLatencyP50Milliseconds)}, {r.FramesDropped} dropped{spilled}, {r.Reconnects} reconnects");
    }

    private static string Ms(double value) => double.IsNaN(value) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{value:0} ms");

    /// <summary>"[#####...............]  25% persisted": what the service has stored, not what was read.</summary>
    private static string ProgressBar(double fraction)
    {
        const int Width = 20;
        var filled = (int)Math.Floor(Math.Clamp(fraction, 0, 1) * Width);
        return string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('.', Width - filled)}] {Math.Floor(fraction * 100),3:0}% persisted");
    }
}

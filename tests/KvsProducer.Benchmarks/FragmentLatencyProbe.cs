using System.Collections.Concurrent;
using System.Diagnostics;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Frame-to-PERSISTED latency of one stream's fragments. Two clocks per fragment, both started just
/// before the PutFrame call: at its key frame (so the fragment's own duration is included: the
/// service can only complete a fragment when the next one starts), and at the next key frame, which
/// closes it (the part the producer, network and endpoint add). A fragment's sample is taken when its
/// PERSISTED ACK arrives. The stream's first fragment (which also waits for the connection) and its
/// last (closed by StopAsync, not by a key frame) are left out: steady state only.
/// </summary>
internal sealed class FragmentLatencyProbe
{
    private readonly ConcurrentDictionary<ulong, long> _keyFramePut = new();
    private readonly ConcurrentDictionary<ulong, long> _closedBy = new();
    private readonly ConcurrentQueue<double> _fromKeyFrame = new();
    private readonly ConcurrentQueue<double> _fromClosingKeyFrame = new();
    private ulong? _firstFragment;
    private ulong? _openFragment;

    /// <summary>Milliseconds from the fragment's key frame put to its PERSISTED ACK.</summary>
    public IEnumerable<double> FromKeyFrame => _fromKeyFrame;

    /// <summary>Milliseconds from the put of the key frame that closed the fragment to its PERSISTED ACK.</summary>
    public IEnumerable<double> FromClosingKeyFrame => _fromClosingKeyFrame;

    /// <summary>Call just before putting a key frame with this cluster timecode (ms, as the ACK will name it).</summary>
    public void KeyFramePutting(ulong fragmentTimecode)
    {
        var now = Stopwatch.GetTimestamp();
        _firstFragment ??= fragmentTimecode;
        if (_openFragment is { } open)
        {
            _closedBy[open] = now;
        }

        _keyFramePut[fragmentTimecode] = now;
        _openFragment = fragmentTimecode;
    }

    public void OnAcknowledged(FragmentAck ack)
    {
        if (ack.EventType != FragmentAckEventType.Persisted || ack.FragmentTimecode == _firstFragment)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (_closedBy.TryGetValue(ack.FragmentTimecode, out var closed) && _keyFramePut.TryGetValue(ack.FragmentTimecode, out var put))
        {
            _fromKeyFrame.Enqueue(Stopwatch.GetElapsedTime(put, now).TotalMilliseconds);
            _fromClosingKeyFrame.Enqueue(Stopwatch.GetElapsedTime(closed, now).TotalMilliseconds);
        }
    }
}

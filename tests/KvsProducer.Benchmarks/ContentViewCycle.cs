using System.Buffers;
using System.Buffers.Binary;
using KvsProducer.Buffering;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Drives one stream's content view the way the producer, the sender and the ACK reader will: package a frame
/// straight into the store (Cluster header at each fragment start, SimpleBlock header, payload copied in
/// segment-sized pieces), read it back as a zero-copy sequence, confirm it sent, and acknowledge each fragment
/// PERSISTED once the next one starts, which trims the tail and returns its segments to the pool.
/// </summary>
internal sealed class ContentViewCycle : IDisposable
{
    private const int FramesPerFragment = 25;

    private readonly ContentStore _store;
    private readonly ContentView _view;
    private readonly int _session;
    private long _index;
    private long _openFragmentTimecode = -1;

    public ContentViewCycle(long storageSize)
    {
        _store = new ContentStore(new ContentStoreOptions { StorageSize = storageSize }, TimeProvider.System);
        _view = _store.CreateView(new ContentViewOptions { StreamName = "bench", BufferDuration = TimeSpan.FromSeconds(120), ReplayDuration = TimeSpan.FromSeconds(40) });
        _view.SetHeader([0x1A, 0x45, 0xDF, 0xA3, 0x80, 0x18, 0x53, 0x80, 0x67, 0xFF]);
        _session = _view.StartSession();
        while (_view.TryRead(_session, int.MaxValue, out var header))
        {
            _view.AdvanceSent(_session, header.Length);
        }
    }

    /// <summary>Bytes handed to the network so far (keeps the sender's reads observable).</summary>
    public long SentBytes { get; private set; }

    /// <summary>Put → send → (at the next fragment start) PERSISTED for one frame.</summary>
    public void Cycle(ReadOnlySpan<byte> payload)
    {
        long frame = _index++;
        var time = TimeSpan.FromTicks(frame * 400_000); // 25 fps, increasing across invocations
        bool startsFragment = frame % FramesPerFragment == 0;
        long timecode = (long)time.TotalMilliseconds;
        int packaged = (startsFragment ? 18 : 0) + 13 + payload.Length;
        if (!_view.TryBeginFrame(new FrameInfo(time, time, TimeSpan.FromMilliseconds(40), startsFragment ? FrameFlags.KeyFrame : FrameFlags.None, startsFragment, timecode), packaged))
        {
            throw new InvalidOperationException("The benchmark's store is too small: a frame was refused.");
        }

        long previousFragment = _openFragmentTimecode;
        if (startsFragment)
        {
            _openFragmentTimecode = timecode;
        }

        Write(_view.Writer, startsFragment, _openFragmentTimecode, (short)(timecode - _openFragmentTimecode), payload);
        _view.CommitFrame();

        while (_view.TryRead(_session, int.MaxValue, out var data))
        {
            foreach (var piece in data)
            {
                SentBytes += piece.Length; // a socket write would take the segment memory as it is
            }

            _view.AdvanceSent(_session, data.Length);
        }

        if (startsFragment && previousFragment >= 0 && _view.OnPersisted(_session, previousFragment) != AckOutcome.Applied)
        {
            throw new InvalidOperationException("A PERSISTED acknowledgement did not apply.");
        }
    }

    public void Dispose()
    {
        _view.Dispose();
        _store.Dispose();
    }

    // kvs-protocol.md §6.5: Cluster (unknown size) · Timecode (8 bytes) · Position 0, then
    // SimpleBlock · 8-byte size · track 1 · relative timecode · flags · frame bytes.
    private static void Write(IBufferWriter<byte> output, bool startsFragment, long clusterTimecode, short relative, ReadOnlySpan<byte> payload)
    {
        if (startsFragment)
        {
            var cluster = output.GetSpan(18);
            ReadOnlySpan<byte> id = [0x1F, 0x43, 0xB6, 0x75, 0xFF, 0xE7, 0x88];
            id.CopyTo(cluster);
            BinaryPrimitives.WriteInt64BigEndian(cluster[7..], clusterTimecode);
            cluster[15] = 0xA7;
            cluster[16] = 0x81;
            cluster[17] = 0x00;
            output.Advance(18);
        }

        var block = output.GetSpan(64);
        block[0] = 0xA3;
        BinaryPrimitives.WriteInt64BigEndian(block[1..], (1L << 56) | (uint)(payload.Length + 4));
        block[9] = 0x81;
        BinaryPrimitives.WriteInt16BigEndian(block[10..], relative);
        block[12] = startsFragment ? (byte)0x80 : (byte)0x00;
        output.Advance(13);
        while (!payload.IsEmpty)
        {
            var target = output.GetSpan(1);
            int n = Math.Min(target.Length, payload.Length);
            payload[..n].CopyTo(target);
            output.Advance(n);
            payload = payload[n..];
        }
    }
}

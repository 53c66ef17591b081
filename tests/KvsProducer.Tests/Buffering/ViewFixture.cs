using System.Buffers;
using KvsProducer.Buffering;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Buffering;

/// <summary>A store with one view, a fake clock, and helpers that put frames and play the sender.</summary>
internal sealed class ViewFixture : IDisposable
{
    private long _nextFrameId;
    private long _lastFragmentTimecode;

    public ViewFixture(ContentViewOptions? options = null, int segmentSize = 256, long storageSize = 64 * 256)
    {
        Store = new ContentStore(new ContentStoreOptions { SegmentSize = segmentSize, StorageSize = storageSize }, Clock);
        View = Store.CreateView(options ?? new ContentViewOptions());
        View.SetHeader(TestMkv.Header());
        View.FramesDropped += (_, e) =>
        {
            Drops.Add(e);
            DroppedFrameIds.AddRange(e.Data.IsEmpty ? [] : EbmlWalker.WalkClusters(e.Data.ToArray(), allowLeadingBlocks: true).SelectMany(c => c.FrameIds));
        };
        View.PressureChanged += (_, e) => Pressures.Add(e);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public ContentStore Store { get; }

    public ContentView View { get; }

    public List<FramesDroppedEventArgs> Drops { get; } = [];

    public List<long> DroppedFrameIds { get; } = [];

    public List<BufferPressureEventArgs> Pressures { get; } = [];

    public TimeSpan FrameDuration { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Timestamp of the next frame.</summary>
    public TimeSpan Now { get; set; } = TimeSpan.FromSeconds(1000);

    /// <summary>Puts one frame; returns its id, or -1 when the view refused it.</summary>
    public long Put(bool startsFragment, int payloadLength = 40)
    {
        var info = Info(startsFragment);
        int size = TestMkv.PackagedSize(startsFragment, Math.Max(payloadLength, TestMkv.MinPayload));
        bool accepted = View.Mode == StreamingMode.Offline
            ? View.BeginFrameAsync(info, size).AsTask().GetAwaiter().GetResult()
            : View.TryBeginFrame(info, size);
        if (!accepted)
        {
            Now += FrameDuration;
            return -1;
        }

        return Write(info, payloadLength);
    }

    public FrameInfo Info(bool startsFragment)
    {
        long timecode = (long)Now.TotalMilliseconds;
        return new FrameInfo(Now, Now, FrameDuration, startsFragment ? FrameFlags.KeyFrame : FrameFlags.None, startsFragment, timecode);
    }

    public long Write(FrameInfo info, int payloadLength)
    {
        long id = _nextFrameId++;
        if (info.StartsFragment)
        {
            _lastFragmentTimecode = info.FragmentTimecode;
        }

        short relative = (short)((long)info.PresentationTime.TotalMilliseconds - _lastFragmentTimecode);
        TestMkv.WriteFrame(View.Writer, info.StartsFragment, info.FragmentTimecode, relative, info.StartsFragment, TestMkv.Payload(id, payloadLength));
        View.CommitFrame();
        Now += FrameDuration;
        return id;
    }

    /// <summary>Puts <paramref name="frames"/> frames, the first starting a fragment; returns the fragment's timecode.</summary>
    public long PutFragment(int frames, int payloadLength = 40)
    {
        long timecode = (long)Now.TotalMilliseconds;
        Put(startsFragment: true, payloadLength);
        for (int i = 1; i < frames; i++)
        {
            Put(startsFragment: false, payloadLength);
        }

        return timecode;
    }

    /// <summary>Reads and confirms everything the session has to send now; returns the bytes.</summary>
    public byte[] SendAll(int session, int maxBytes = 100)
    {
        var sent = new ArrayBufferWriter<byte>();
        while (View.TryRead(session, maxBytes, out var data))
        {
            foreach (var piece in data)
            {
                sent.Write(piece.Span);
            }

            View.AdvanceSent(session, data.Length);
        }

        return sent.WrittenSpan.ToArray();
    }

    /// <summary>Reads and confirms exactly <paramref name="count"/> bytes (fewer if the session runs dry).</summary>
    public byte[] SendSome(int session, long count)
    {
        var sent = new ArrayBufferWriter<byte>();
        while (count > 0 && View.TryRead(session, (int)Math.Min(count, int.MaxValue), out var data))
        {
            foreach (var piece in data)
            {
                sent.Write(piece.Span);
            }

            View.AdvanceSent(session, data.Length);
            count -= data.Length;
        }

        return sent.WrittenSpan.ToArray();
    }

    /// <summary>The frame ids of a session's bytes, after checking they are a valid upload.</summary>
    public static List<long> FramesOf(byte[] session) => [.. EbmlWalker.WalkSession(session).SelectMany(c => c.FrameIds)];

    public void Dispose()
    {
        View.Dispose();
        Store.Dispose();
    }
}

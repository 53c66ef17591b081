using KvsProducer.Buffering;
using KvsProducer.Mkv;
using KvsProducer.Tests.Mkv;
using KvsProducer.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Buffering;

/// <summary>The real MKV fragmenter packaging recorded H.264 straight into the view, checked with our EBML reader and ffmpeg.</summary>
public class ContentViewFragmenterTests
{
    [Test]
    public void A_session_after_a_reconnect_is_a_valid_mkv_starting_at_the_oldest_unpersisted_fragment()
    {
        using var store = new ContentStore(new ContentStoreOptions { SegmentSize = 4096, StorageSize = 8 * 1024 * 1024 }, new FakeTimeProvider());
        using var view = store.CreateView(new ContentViewOptions { ReplayDuration = TimeSpan.FromSeconds(60) });
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions { WriteHeader = false });
        var timecodes = new List<long>();
        foreach (var frame in RecordedFrames.H264VgaFrames(TimeSpan.FromSeconds(1_700_000_000), 100))
        {
            var plan = fragmenter.Plan(frame);
            bool starts = plan.Outcome == FramePackagingOutcome.StartedFragment;
            Assert.That(view.TryBeginFrame(new FrameInfo(frame.PresentationTime, frame.DecodingTime, frame.Duration, frame.Flags, starts, plan.ClusterTimecode), (int)plan.PackagedLength), Is.True);
            fragmenter.Commit(frame, plan, view.Writer);
            view.CommitFrame();
            if (starts)
            {
                timecodes.Add(plan.ClusterTimecode);
            }

            if (timecodes.Count == 1 && view.FrameCount == 1)
            {
                view.SetHeader(fragmenter.Header.Span);
            }
        }

        int first = view.StartSession();
        Send(view, first, maxBytes: 1500);
        Assert.That(view.OnPersisted(first, timecodes[0]), Is.EqualTo(AckOutcome.Applied));
        view.EndSession(first);

        int second = view.StartSession();
        var bytes = Send(view, second, maxBytes: 7000);

        var mkv = new MkvInspector(bytes);
        Assert.That(mkv.Clusters.Select(c => (long)mkv.ClusterTimecode(c)), Is.EqualTo(timecodes.Skip(1)));
        Assert.That(mkv.Clusters.Sum(c => mkv.Blocks(c).Count()), Is.EqualTo(75));
        string file = Path.Combine(TestContext.CurrentContext.WorkDirectory, "content-view-session.mkv");
        File.WriteAllBytes(file, bytes);
        Assert.That(FfmpegTool.Ffmpeg("-i", file, "-f", "null", "-"), Is.Empty, "ffmpeg decodes the session without an error");
        Assert.That(FfmpegTool.Ffprobe("-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file).Trim(), Is.EqualTo("75"));
    }

    private static byte[] Send(ContentView view, int session, int maxBytes)
    {
        var sent = new List<byte>();
        while (view.TryRead(session, maxBytes, out var data))
        {
            foreach (var piece in data)
            {
                sent.AddRange(piece.Span);
            }

            view.AdvanceSent(session, data.Length);
        }

        return [.. sent];
    }
}

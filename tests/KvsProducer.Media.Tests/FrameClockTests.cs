using KvsProducer.Media.Internal;

namespace KvsProducer.Media.Tests;

/// <summary>How packet times become the times of one continuous stream.</summary>
public sealed class FrameClockTests
{
    private const long Frame = 400_000; // 40 ms in ticks

    [Test]
    public void First_frame_is_at_zero_whatever_the_source_starts_at()
    {
        var clock = new FrameClock(Frame);

        var first = clock.Map(Packet(pts: 14_000_000, dts: 14_000_000));
        var second = clock.Map(Packet(pts: 14_400_000, dts: 14_400_000));

        Assert.That((first.Dts, second.Dts), Is.EqualTo((0L, Frame)));
    }

    [Test]
    public void Frames_without_times_follow_each_other_by_their_duration()
    {
        var clock = new FrameClock(Frame);

        long[] times = Enumerable.Range(0, 4).Select(_ => clock.Map(Packet(NativeMethods.NoTime, NativeMethods.NoTime)).Dts).ToArray();

        Assert.That(times, Is.EqualTo(new[] { 0, Frame, 2 * Frame, 3 * Frame }));
    }

    [Test]
    public void A_new_session_continues_after_the_outage_even_when_the_camera_restarts_its_clock()
    {
        var clock = new FrameClock(Frame);
        clock.Map(Packet(90_000_000, 90_000_000));
        clock.Map(Packet(90_400_000, 90_400_000));

        clock.StartSession(TimeSpan.FromSeconds(2));
        var afterReconnect = clock.Map(Packet(0, 0));

        Assert.That(afterReconnect.Dts, Is.EqualTo(Frame + TimeSpan.FromSeconds(2).Ticks));
    }

    [Test]
    public void A_new_session_after_a_short_outage_starts_no_earlier_than_the_end_of_the_last_frame()
    {
        var clock = new FrameClock(Frame);
        clock.Map(Packet(0, 0));

        clock.StartSession(TimeSpan.Zero);
        var afterReconnect = clock.Map(Packet(5_000_000, 5_000_000));

        Assert.That(afterReconnect.Dts, Is.EqualTo(Frame));
    }

    [Test]
    public void Decoding_time_that_does_not_increase_is_moved_one_tick_after_the_previous()
    {
        var clock = new FrameClock(Frame);
        clock.Map(Packet(0, 0));
        clock.Map(Packet(Frame, Frame));

        var repeated = clock.Map(Packet(Frame, Frame));

        Assert.That((repeated.Dts, repeated.Pts), Is.EqualTo((Frame + 1, Frame + 1)));
    }

    private static NativePacket Packet(long pts, long dts) => new() { PresentationTicks = pts, DecodingTicks = dts, DurationTicks = 0 };
}

using KvsProducer.Sources;

namespace KvsProducer.Tests.Sources;

/// <summary>ArrivalClock: live frames stamped by arrival, smoothed, never backwards.</summary>
public sealed class ArrivalClockTests
{
    private static readonly TimeSpan Period30 = TimeSpan.FromTicks(333_333);

    /// <summary>Arrivals of a camera at <paramref name="period"/>, each late by up to <paramref name="jitter"/> (seeded).</summary>
    private static TimeSpan[] Arrivals(int count, TimeSpan period, TimeSpan jitter, int seed = 7)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => TimeSpan.FromSeconds(5) + period * i + jitter * random.NextDouble()).ToArray();
    }

    private static TimeSpan[] Stamp(ArrivalClock clock, IEnumerable<TimeSpan> arrivals) => arrivals.Select(arrival => clock.Next(arrival).Decoding).ToArray();

    [Test]
    public void The_first_frame_is_stamped_at_the_start()
    {
        var clock = new ArrivalClock(TimeSpan.FromSeconds(100), null);

        Assert.That(clock.Next(TimeSpan.FromSeconds(5)).Decoding, Is.EqualTo(TimeSpan.FromSeconds(100)));
    }

    [Test]
    public void Arrival_jitter_of_ten_milliseconds_moves_steps_by_less_than_one_millisecond_with_an_fps_hint()
    {
        var stamps = Stamp(new ArrivalClock(TimeSpan.Zero, 30), Arrivals(300, Period30, TimeSpan.FromMilliseconds(10)));

        var steps = stamps.Zip(stamps.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToArray();
        Assert.That(steps, Has.All.InRange(33.333 - 1, 33.333 + 1));
    }

    [Test]
    public void Without_a_hint_the_period_is_learnt_from_the_arrivals()
    {
        var clock = new ArrivalClock(TimeSpan.Zero, null);

        Stamp(clock, Arrivals(200, TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(8)));

        Assert.That(clock.Period.TotalMilliseconds, Is.EqualTo(40).Within(0.5));
    }

    [Test]
    public void A_burst_as_the_camera_starts_does_not_shrink_the_learnt_period()
    {
        // Four frames written at once (the camera's first frames, or a machine catching up), then 25 fps.
        var period = TimeSpan.FromMilliseconds(40);
        var arrivals = Enumerable.Range(0, 4).Select(i => TimeSpan.FromMilliseconds(i * 0.2))
            .Concat(Enumerable.Range(1, 12).Select(i => period * i)).ToArray();
        var clock = new ArrivalClock(TimeSpan.Zero, null);

        var stamps = Stamp(clock, arrivals);

        Assert.Multiple(() =>
        {
            Assert.That(clock.Period, Is.EqualTo(period));
            Assert.That(stamps[^1] - stamps[^2], Is.GreaterThan(period * ArrivalClock.DurationShare), "the stamps are spaced at the camera's pace again");
        });
    }

    [Test]
    public void Without_a_hint_stamps_keep_the_cameras_long_run_rate()
    {
        // A camera slightly off its nominal rate (29.97 fps): the stamps follow it, not 30 fps.
        var period = TimeSpan.FromSeconds(1 / 29.97);
        var arrivals = Arrivals(900, period, TimeSpan.FromMilliseconds(10));

        var stamps = Stamp(new ArrivalClock(TimeSpan.Zero, null), arrivals);

        Assert.That((stamps[^1] - (arrivals[^1] - arrivals[0])).Duration().TotalMilliseconds, Is.LessThan(20));
    }

    [Test]
    public void Stamps_never_go_backwards_when_frames_arrive_bunched_together()
    {
        // A stalled pipe delivers ten frames at once, then the camera's pace resumes.
        var arrivals = Enumerable.Range(0, 30).Select(i => Period30 * i)
            .Concat(Enumerable.Repeat(Period30 * 40, 10))
            .Concat(Enumerable.Range(41, 30).Select(i => Period30 * i)).ToArray();

        var stamps = Stamp(new ArrivalClock(TimeSpan.Zero, 30), arrivals);

        Assert.That(stamps.Zip(stamps.Skip(1), (a, b) => b - a), Has.All.GreaterThanOrEqualTo(ArrivalClock.MinimumStep));
    }

    [Test]
    public void Each_frame_ends_before_the_next_begins_even_when_frames_arrive_early()
    {
        // Jitter of a whole period and a burst: the fragmenter refuses a frame that starts inside the previous one.
        var clock = new ArrivalClock(TimeSpan.Zero, 30);
        var arrivals = Arrivals(100, Period30, Period30).Concat(Enumerable.Repeat(TimeSpan.FromSeconds(5) + (Period30 * 101), 5)).Concat(Arrivals(50, Period30, Period30, seed: 9).Select(a => a + Period30 * 102));

        var frames = arrivals.Select(clock.Next).ToArray();

        Assert.That(frames.Zip(frames.Skip(1), (a, b) => b.Decoding - (a.Decoding + a.Duration)), Has.All.GreaterThanOrEqualTo(TimeSpan.Zero));
    }

    [Test]
    public void A_gap_of_seconds_reanchors_on_the_arrival_instead_of_stretching_the_frames()
    {
        var clock = new ArrivalClock(TimeSpan.Zero, 30);
        Stamp(clock, Enumerable.Range(0, 30).Select(i => Period30 * i));

        // The camera restarted: the next frame comes 5 s after the last one.
        var afterGap = clock.Next(Period30 * 29 + TimeSpan.FromSeconds(5)).Decoding;

        Assert.That(afterGap, Is.EqualTo(Period30 * 29 + TimeSpan.FromSeconds(5)));
    }
}

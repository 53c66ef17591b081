namespace KvsProducer.FaultTests;

/// <summary>
/// A subset of the scenarios against standin/kvs_standin.py, an endpoint written in Python from
/// kvs-protocol.md alone, so a shared misreading of the protocol cannot hide a loss or a duplicate;
/// its stored MKV is counted by ffprobe directly.
/// </summary>
[TestFixture]
public sealed class StandInFaultTests
{
    private const FaultEndpoint StandIn = FaultEndpoint.StandIn;

    [Test]
    public async Task Loss_10_percent_stores_every_accepted_frame_once()
    {
        var result = await ScenarioRunner.RunAsync(new Scenario("loss-10", StandIn, "stream", 30, "loss:10"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
    }

    [Test]
    public async Task Realtime_over_a_100_kbit_link_counts_every_drop_exactly()
    {
        // Defect 4 against an endpoint we did not write: 360 kbit/s into 100 kbit/s, each drop counted once.
        var result = await ScenarioRunner.RunAsync(new Scenario("realtime-100kbit", StandIn, "stream", 30, "rate:100kbit"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
    }

    [Test]
    public async Task Blackout_25_s_stores_every_accepted_frame_once_and_recovers()
    {
        var result = await ScenarioRunner.RunAsync(new Scenario("blackout-25s", StandIn, "stream", 55, "blackout:10:25"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
        ExactlyOnce.AssertRecovered(result);
    }

    [Test]
    public async Task Endpoint_stopped_for_20_5_s_stores_every_accepted_frame_once()
    {
        var result = await ScenarioRunner.RunAsync(new Scenario("sigstop-20.5s", StandIn, "stream", 45, "sigstop:20:20.5"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
        ExactlyOnce.AssertRecovered(result);
    }

    [Test]
    public async Task Endpoint_stopped_for_75_s_longer_than_the_grace_stores_twice_only_what_it_reports()
    {
        // Past ConnectionStaleAfter (20 s) + StaleConnectionGrace (45 s) the hung connection is reset; what the stopped
        // endpoint's kernel kept is stored when it resumes, and the producer reports those resent fragments.
        var result = await ScenarioRunner.RunAsync(new Scenario("sigstop-75s", StandIn, "stream", 115, "sigstop:20:75"));
        ExactlyOnce.AssertHoldsWithDuplicatesReported(result);
        ExactlyOnce.AssertEndedAsAsked(result);
        ExactlyOnce.AssertRecovered(result);
    }

    [Test]
    public async Task Endpoint_killed_and_restarted_stores_every_accepted_frame_once()
    {
        var result = await ScenarioRunner.RunAsync(new Scenario("kill9-restart", StandIn, "stream", 40, "kill9:15:3"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
        ExactlyOnce.AssertRecovered(result);
    }

    [Test]
    public async Task Upload_through_a_30_s_blackout_finishes_and_stores_every_frame()
    {
        var result = await ScenarioRunner.RunAsync(new Scenario("upload-blackout-30s", StandIn, "upload", 300, "rate:4mbit blackout:10:30", "h264-1280x720.h264"));
        ExactlyOnce.AssertHoldsWithDuplicatesReported(result);
        ExactlyOnce.AssertEndedAsAsked(result);
        ExactlyOnce.AssertRecovered(result);
        Assert.That(result.Summary!.FramesDropped, Is.Zero, $"Offline upload dropped frames: {result}");
    }

    [Test]
    public async Task Endpoint_disk_full_reports_every_frame_not_stored_as_dropped()
    {
        var result = await ScenarioRunner.RunAsync(new Scenario("disk-full", StandIn, "stream", 40, "diskfull:1m"));
        ExactlyOnce.AssertHolds(result);
        Assert.That(result.ProducerStderr, Does.Not.Contain("   at "), $"A stack trace instead of one line: {result}");
    }

    [Test]
    public async Task Endpoint_disk_full_answering_error_5000_reports_every_frame_not_stored_as_dropped()
    {
        // The same full disk, answered ERROR 5000 INTERNAL_ERROR (resend, kvs-protocol.md §4.4) instead of 5001.
        var result = await ScenarioRunner.RunAsync(new Scenario("disk-full-5000", StandIn, "stream", 40, "diskfull:1m writeerror:5000"));
        ExactlyOnce.AssertHolds(result);
        Assert.That(result.ProducerStderr, Does.Not.Contain("   at "), $"A stack trace instead of one line: {result}");
    }
}

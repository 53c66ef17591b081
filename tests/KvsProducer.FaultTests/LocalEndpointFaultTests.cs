namespace KvsProducer.FaultTests;

/// <summary>
/// kvs stream / kvs upload against kvs local under real network faults, each in its own network namespace;
/// what was stored is read back with kvs get-media and counted by ffprobe.
/// </summary>
[TestFixture]
public sealed class LocalEndpointFaultTests
{
    private const FaultEndpoint Local = FaultEndpoint.Local;

    [Test]
    public async Task Loss_5_percent_stores_every_accepted_frame_once()
    {
        var result = await ScenarioRunner.RunAsync(new Scenario("loss-5", Local, "stream", 30, "loss:5"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
    }

    [Test]
    public async Task Loss_20_percent_stores_every_accepted_frame_once()
    {
        var result = await ScenarioRunner.RunAsync(new Scenario("loss-20", Local, "stream", 30, "loss:20"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
    }

    [Test]
    public async Task Delay_200_plus_minus_100_ms_stores_every_accepted_frame_once()
    {
        var result = await ScenarioRunner.RunAsync(new Scenario("delay-200ms", Local, "stream", 30, "delay:200:100"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
    }

    [Test]
    public async Task Upload_over_a_4_Mbit_link_finishes_and_stores_every_frame()
    {
        // ~21 MB of 720p: about 45 s at 4 Mbit/s, longer than the 30 s --stop-timeout default (issue 11, defect 2).
        var result = await ScenarioRunner.RunAsync(new Scenario("upload-4mbit", Local, "upload", 300, "rate:4mbit", "h264-1280x720.h264"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
        Assert.That(result.Summary!.FramesDropped, Is.Zero, $"Offline upload dropped frames: {result}");
    }

    [Test]
    public async Task Upload_through_a_30_s_blackout_finishes_and_stores_every_frame()
    {
        // Issue 11, defect 3: an Offline upload gave up after a 15 s outage (OfflineWaitTimeout before staleness).
        var result = await ScenarioRunner.RunAsync(new Scenario("upload-blackout-30s", Local, "upload", 300, "rate:4mbit blackout:10:30", "h264-1280x720.h264"));
        ExactlyOnce.AssertHoldsWithDuplicatesReported(result);
        ExactlyOnce.AssertEndedAsAsked(result);
        ExactlyOnce.AssertRecovered(result);
        Assert.That(result.Summary!.FramesDropped, Is.Zero, $"Offline upload dropped frames: {result}");
    }

    [Test]
    public async Task Realtime_over_a_100_kbit_link_counts_every_drop_exactly()
    {
        // 360 kbit/s of video into 100 kbit/s: most frames must be dropped, and each exactly once counted (defect 4).
        var result = await ScenarioRunner.RunAsync(new Scenario("realtime-100kbit", Local, "stream", 30, "rate:100kbit"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
    }

    [TestCase(10)]
    [TestCase(25)]
    [TestCase(60)]
    [TestCase(150)]
    public async Task Blackout_stores_every_accepted_frame_once_and_recovers(int seconds)
    {
        var result = await ScenarioRunner.RunAsync(new Scenario($"blackout-{seconds}s", Local, "stream", 10 + seconds + 20, $"blackout:10:{seconds}"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
        ExactlyOnce.AssertRecovered(result);
    }

    [Test]
    public async Task Endpoint_stopped_for_20_5_s_stores_every_accepted_frame_once()
    {
        // Issue 11, defect 1: stream 45 s, SIGSTOP at 20 s for 20.5 s gave 1225 frames stored for 1125 put.
        var result = await ScenarioRunner.RunAsync(new Scenario("sigstop-20.5s", Local, "stream", 45, "sigstop:20:20.5"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
        ExactlyOnce.AssertRecovered(result);
    }

    [Test]
    public async Task Endpoint_stopped_for_75_s_longer_than_the_grace_stores_twice_only_what_it_reports()
    {
        // Past ConnectionStaleAfter (20 s) + StaleConnectionGrace (45 s) the hung connection is reset; what the stopped
        // endpoint's kernel kept is stored when it resumes, and the producer reports those resent fragments.
        var result = await ScenarioRunner.RunAsync(new Scenario("sigstop-75s", Local, "stream", 115, "sigstop:20:75"));
        ExactlyOnce.AssertHoldsWithDuplicatesReported(result);
        ExactlyOnce.AssertEndedAsAsked(result);
        ExactlyOnce.AssertRecovered(result);
    }

    [Test]
    public async Task Endpoint_killed_and_restarted_stores_every_accepted_frame_once()
    {
        var result = await ScenarioRunner.RunAsync(new Scenario("kill9-restart", Local, "stream", 40, "kill9:15:3"));
        ExactlyOnce.AssertHolds(result);
        ExactlyOnce.AssertEndedAsAsked(result);
        ExactlyOnce.AssertRecovered(result);
    }

    [Test]
    public async Task Endpoint_disk_full_reports_every_frame_not_stored_as_dropped()
    {
        // Issue 11, defect 5: a 1 MiB data directory fills after about 20 s of 360 kbit/s.
        var result = await ScenarioRunner.RunAsync(new Scenario("disk-full", Local, "stream", 40, "diskfull:1m"));
        ExactlyOnce.AssertHolds(result);
        Assert.That(result.ProducerStderr, Does.Not.Contain("   at "), $"A stack trace instead of one line: {result}");

        // kvs local answers what the service answers when it cannot store a fragment: ERROR 5001 ARCHIVAL_ERROR,
        // on the same session, instead of dropping the connection or staying silent.
        Assert.That(result.Summary?.ErrorAcks, Is.GreaterThan(0), $"No ERROR acknowledgement for the fragments the full disk refused: {result}");
        Assert.That(result.ProducerStderr, Does.Contain("5001"), $"The producer did not say which error the service gave: {result}");
    }
}

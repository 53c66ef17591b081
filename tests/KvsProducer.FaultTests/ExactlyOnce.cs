namespace KvsProducer.FaultTests;

/// <summary>The accounting every scenario must keep (issue 11): each accepted frame is stored exactly once or
/// reported dropped, and the producer's summary says so.</summary>
internal static class ExactlyOnce
{
    /// <summary>
    /// Frames a scenario may store twice when its fault swallows the acknowledgements of fragments already stored:
    /// none. <see cref="AssertHoldsWithinResendWindow"/> is the one exception, for those faults only.
    /// </summary>
    public static void AssertHolds(ScenarioResult result) => AssertHolds(result, allowedDuplicates: 0);

    /// <summary>
    /// For faults that leave fragments stored whose acknowledgements the producer never gets: a blackout that
    /// falls between a fragment being stored and its acknowledgements arriving, or a stopped endpoint whose kernel
    /// keeps what we sent (data queued at the receiver stays readable after our reset; Linux delivers it before
    /// ECONNRESET). A producer that gives up on that connection cannot know those fragments were stored, and only
    /// the service could drop the resent copy (the official producers behave the same). The uploader keeps at most
    /// two unanswered fragments per connection, so at most two fragments may be stored twice: 50 frames of the
    /// 25-frame-GOP clips. Everything else (no loss, exact accounting) holds as strictly as in
    /// <see cref="AssertHolds(ScenarioResult)"/>.
    /// </summary>
    public static void AssertHoldsWithinResendWindow(ScenarioResult result) => AssertHolds(result, allowedDuplicates: 50);

    private static void AssertHolds(ScenarioResult result, int allowedDuplicates)
    {
        Assert.That(result.SetupError, Is.Empty, $"The fixture itself failed: {result}");
        Assert.That(result.Summary, Is.Not.Null, $"No --json summary on stdout: {result}");
        var summary = result.Summary!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Duplicates, Is.LessThanOrEqualTo(allowedDuplicates), $"Frames stored more than once: {result}");
            Assert.That(result.StoredFrames, Is.EqualTo(summary.Accepted - summary.FramesDropped), $"Stored frames ≠ accepted − reported dropped: {result}");
            Assert.That(summary.FramesPersisted, Is.EqualTo(result.StoredFrames), $"FramesPersisted ≠ frames stored: {result}");
            Assert.That(summary.FramesPersisted + summary.FramesDropped, Is.EqualTo(summary.Accepted), $"Persisted + dropped ≠ accepted: {result}");
            Assert.That(summary.ExitCode ?? result.ExitCode, Is.EqualTo(result.ExitCode), $"The summary's ExitCode is not the process's: {result}");
        }
    }

    /// <summary>An upload exits 0 once every frame is persisted; a live stream stopped with SIGTERM drains, prints its
    /// summary and exits 130 (src/KvsProducer.Cli/README.md: interrupted).</summary>
    public static void AssertEndedAsAsked(ScenarioResult result)
    {
        int expected = result.Scenario.Command == "stream" ? 130 : 0;
        Assert.That(result.ExitCode, Is.EqualTo(expected), $"The producer did not exit {expected}: {result}");
    }

    public static void AssertRecovered(ScenarioResult result) =>
        Assert.That(result.RecoverySeconds, Is.Not.Null.And.LessThan(double.PositiveInfinity), $"Nothing made after the fault was stored: {result}");
}

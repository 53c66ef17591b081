namespace KvsProducer.FaultTests;

/// <summary>The accounting every scenario must keep (issue 11): each accepted frame is stored exactly once or
/// reported dropped, and the producer's summary says so.</summary>
internal static class ExactlyOnce
{
    /// <summary>No frame stored twice, none lost, and the producer's summary says so. A stopped endpoint included:
    /// the uploader's stale-connection grace reads its answers when it resumes instead of resending.</summary>
    public static void AssertHolds(ScenarioResult result) => AssertHolds(result, allowedDuplicates: 0);

    /// <summary>
    /// For faults where the service itself ends a session without answering what it stored (kvs local ends a
    /// PutMedia session after 30 s without body bytes, so a 30 s blackout can lose acknowledgements for good): the
    /// producer resends those fragments, and may store them twice, only after a grace without any answer, and it
    /// reports them as <c>FramesResentUnconfirmed</c>. Duplicates beyond what it reported fail; everything else
    /// (no loss, exact accounting) holds as strictly as in <see cref="AssertHolds(ScenarioResult)"/>.
    /// </summary>
    public static void AssertHoldsWithDuplicatesReported(ScenarioResult result) =>
        AssertHolds(result, allowedDuplicates: (int)(result.Summary?.FramesResentUnconfirmed ?? 0));

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

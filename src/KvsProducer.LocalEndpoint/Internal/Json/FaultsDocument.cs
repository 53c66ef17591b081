namespace KvsProducer.LocalEndpoint.Internal.Json;

/// <summary>
/// JSON of <c>/_admin/faults</c>: every field optional, durations in milliseconds. A separate
/// shape because source-generated JSON would reset the record's unset init properties to zero.
/// </summary>
internal sealed class FaultsDocument
{
    public int? Seed { get; set; }

    public long? DropPutMediaAfterBytes { get; set; }

    public long? DropPutMediaAfterMs { get; set; }

    public int? DropPutMediaAfterReceivedAcks { get; set; }

    public string? DropMode { get; set; }

    public int? ErrorAckId { get; set; }

    public int? ErrorAckAtFragment { get; set; }

    public long? AckDelayMs { get; set; }

    public bool? StopAcks { get; set; }

    public double? ThrottleRate { get; set; }

    public double? ServerErrorRate { get; set; }

    public long? BandwidthLimit { get; set; }

    public long? RefuseConnectionsForMs { get; set; }

    public static FaultsDocument From(LocalKvsFaults faults) => new()
    {
        Seed = faults.Seed,
        DropPutMediaAfterBytes = faults.DropPutMediaAfterBytes,
        DropPutMediaAfterMs = (long?)faults.DropPutMediaAfter?.TotalMilliseconds,
        DropPutMediaAfterReceivedAcks = faults.DropPutMediaAfterReceivedAcks,
        DropMode = faults.DropMode.ToString(),
        ErrorAckId = faults.ErrorAckId,
        ErrorAckAtFragment = faults.ErrorAckAtFragment,
        AckDelayMs = (long)faults.AckDelay.TotalMilliseconds,
        StopAcks = faults.StopAcks,
        ThrottleRate = faults.ThrottleRate,
        ServerErrorRate = faults.ServerErrorRate,
        BandwidthLimit = faults.BandwidthLimit,
        RefuseConnectionsForMs = (long?)faults.RefuseConnectionsFor?.TotalMilliseconds,
    };

    /// <summary>The faults this document describes; fields left out keep their defaults.</summary>
    public LocalKvsFaults ToFaults()
    {
        FaultDropMode mode = DropMode switch
        {
            null or "Reset" or "reset" or "rst" => FaultDropMode.Reset,
            "Close" or "close" or "fin" => FaultDropMode.Close,
            _ => throw new ArgumentException($"DropMode '{DropMode}' is not Reset or Close.", nameof(DropMode)),
        };

        return LocalKvsFaults.None with
        {
            Seed = Seed ?? 0,
            DropPutMediaAfterBytes = DropPutMediaAfterBytes,
            DropPutMediaAfterReceivedAcks = DropPutMediaAfterReceivedAcks,
            DropPutMediaAfter = DropPutMediaAfterMs is { } drop ? TimeSpan.FromMilliseconds(drop) : null,
            DropMode = mode,
            ErrorAckId = ErrorAckId,
            ErrorAckAtFragment = ErrorAckAtFragment ?? 1,
            AckDelay = TimeSpan.FromMilliseconds(AckDelayMs ?? 0),
            StopAcks = StopAcks ?? false,
            ThrottleRate = ThrottleRate ?? 0,
            ServerErrorRate = ServerErrorRate ?? 0,
            BandwidthLimit = BandwidthLimit,
            RefuseConnectionsFor = RefuseConnectionsForMs is { } refuse ? TimeSpan.FromMilliseconds(refuse) : null,
        };
    }
}

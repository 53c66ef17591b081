namespace KvsProducer.LocalEndpoint;

/// <summary>
/// Faults the endpoint injects on purpose, deterministically (decisions drawn from a generator
/// seeded with <see cref="Seed"/>). Every injected fault is logged.
/// </summary>
public sealed record LocalKvsFaults
{
    /// <summary>No fault at all.</summary>
    public static LocalKvsFaults None { get; } = new();

    /// <summary>Seed of the generator behind the rate-based faults.</summary>
    public int Seed { get; init; }

    /// <summary>Drop every PutMedia connection after it has received this many body bytes.</summary>
    public long? DropPutMediaAfterBytes { get; init; }

    /// <summary>Drop every PutMedia connection this long after it started.</summary>
    public TimeSpan? DropPutMediaAfter { get; init; }

    /// <summary>
    /// Drop every PutMedia connection right after its RECEIVED acknowledgement number n reached the client, before
    /// that fragment's PERSISTED is written (the fragment is stored all the same, as the service stores what it
    /// received) and before any later fragment is complete: a cut between RECEIVED and PERSISTED.
    /// </summary>
    public int? DropPutMediaAfterReceivedAcks { get; init; }

    /// <summary>How a dropped connection ends: a TCP reset or an orderly close.</summary>
    public FaultDropMode DropMode { get; init; } = FaultDropMode.Reset;

    /// <summary>Answer fragment <see cref="ErrorAckAtFragment"/> of each PutMedia session with an ERROR ACK of this id.</summary>
    public int? ErrorAckId { get; init; }

    /// <summary>1-based index, within one PutMedia session, of the fragment that gets <see cref="ErrorAckId"/>.</summary>
    public int ErrorAckAtFragment { get; init; } = 1;

    /// <summary>Hold every ACK back this long before writing it.</summary>
    public TimeSpan AckDelay { get; init; }

    /// <summary>Write no ACK at all (the connection stays open).</summary>
    public bool StopAcks { get; init; }

    /// <summary>Fraction (0–1) of control-plane calls answered with ClientLimitExceededException.</summary>
    public double ThrottleRate { get; init; }

    /// <summary>Fraction (0–1) of control-plane calls answered with a 500 InternalFailure.</summary>
    public double ServerErrorRate { get; init; }

    /// <summary>Read PutMedia bodies no faster than this many bytes per second.</summary>
    public long? BandwidthLimit { get; init; }

    /// <summary>Refuse (reset) every new connection for this long after the faults are applied.</summary>
    public TimeSpan? RefuseConnectionsFor { get; init; }

    internal bool Any => DropPutMediaAfterBytes is not null || DropPutMediaAfterReceivedAcks is not null || DropPutMediaAfter is not null || ErrorAckId is not null
        || AckDelay > TimeSpan.Zero || StopAcks || ThrottleRate > 0 || ServerErrorRate > 0 || BandwidthLimit is not null
        || RefuseConnectionsFor is not null;

    internal void Validate()
    {
        if (DropPutMediaAfterBytes is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DropPutMediaAfterBytes), DropPutMediaAfterBytes, $"{nameof(DropPutMediaAfterBytes)} must be greater than 0.");
        }

        if (DropPutMediaAfterReceivedAcks is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DropPutMediaAfterReceivedAcks), DropPutMediaAfterReceivedAcks, $"{nameof(DropPutMediaAfterReceivedAcks)} must be at least 1 (the first RECEIVED of a session).");
        }

        if (DropPutMediaAfter is { } after && after <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DropPutMediaAfter), after, $"{nameof(DropPutMediaAfter)} must be greater than zero.");
        }

        if (ErrorAckId is { } id && (id < 4000 || id > 5999))
        {
            throw new ArgumentOutOfRangeException(nameof(ErrorAckId), id, $"{nameof(ErrorAckId)} must be a PutMedia ACK error id (4000–5999).");
        }

        if (ErrorAckAtFragment < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ErrorAckAtFragment), ErrorAckAtFragment, $"{nameof(ErrorAckAtFragment)} is 1-based: use 1 for the first fragment of a session.");
        }

        if (AckDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AckDelay), AckDelay, $"{nameof(AckDelay)} must not be negative.");
        }

        if (ThrottleRate is < 0 or > 1 || double.IsNaN(ThrottleRate))
        {
            throw new ArgumentOutOfRangeException(nameof(ThrottleRate), ThrottleRate, $"{nameof(ThrottleRate)} is a fraction between 0 and 1.");
        }

        if (ServerErrorRate is < 0 or > 1 || double.IsNaN(ServerErrorRate))
        {
            throw new ArgumentOutOfRangeException(nameof(ServerErrorRate), ServerErrorRate, $"{nameof(ServerErrorRate)} is a fraction between 0 and 1.");
        }

        if (BandwidthLimit is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BandwidthLimit), BandwidthLimit, $"{nameof(BandwidthLimit)} must be greater than 0 bytes per second.");
        }

        if (RefuseConnectionsFor is { } refuse && refuse <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RefuseConnectionsFor), refuse, $"{nameof(RefuseConnectionsFor)} must be greater than zero.");
        }
    }
}

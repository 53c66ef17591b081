namespace KvsProducer;

/// <summary>
/// A snapshot of one stream's buffer. Property names are the official SDKs' stream metric names
/// (<c>StreamMetrics</c>) so dashboards and comparisons line up one to one.
/// </summary>
public sealed record StreamBufferMetrics
{
    /// <summary>Duration of the frames not yet sent (current → head).</summary>
    public TimeSpan CurrentViewDuration { get; init; }

    /// <summary>Duration of all buffered frames (tail → head).</summary>
    public TimeSpan OverallViewDuration { get; init; }

    /// <summary>Bytes not yet sent (current → head).</summary>
    public long CurrentViewSize { get; init; }

    /// <summary>Bytes buffered (tail → head).</summary>
    public long OverallViewSize { get; init; }

    /// <summary>Frames put per second (recent average).</summary>
    public double CurrentFrameRate { get; init; }

    /// <summary>Bytes sent per second (recent average).</summary>
    public double CurrentTransferRate { get; init; }

    /// <summary>Bytes handed to the network, headers and resends included.</summary>
    public long TransferredBytes { get; init; }

    /// <summary>Sessions (connections) started.</summary>
    public long TotalSessions { get; init; }

    /// <summary>BUFFERING acknowledgements applied.</summary>
    public long BufferedAcks { get; init; }

    /// <summary>RECEIVED acknowledgements applied.</summary>
    public long ReceivedAcks { get; init; }

    /// <summary>PERSISTED acknowledgements applied.</summary>
    public long PersistedAcks { get; init; }

    /// <summary>ERROR acknowledgements applied.</summary>
    public long ErrorAcks { get; init; }

    /// <summary>
    /// Frames lost, for any <see cref="FrameDropReason"/> except <see cref="FrameDropReason.ErrorAcknowledgement"/>.
    /// Frames the memory buffer dropped that a disk buffer kept are not counted here (<see cref="SpilledFrames"/>)
    /// unless they are lost from disk too (<see cref="DiskBufferMetrics.SpilledLostFrames"/>).
    /// </summary>
    public long DroppedFrames { get; init; }

    /// <summary>
    /// Frames the memory buffer dropped that the disk buffer kept, to be uploaded from disk (docs/disk-buffer.md);
    /// 0 without a disk buffer. <see cref="KinesisVideoStream.GetDiskBufferMetrics"/> tells how many of them are
    /// persisted, lost or still waiting.
    /// </summary>
    public long SpilledFrames { get; init; }

    /// <summary>Fragments dropped whole, for any reason except an ERROR acknowledgement; fragments a disk buffer kept (spilled) are not counted.</summary>
    public long DroppedFragments { get; init; }

    /// <summary>Frames skipped because the service refused their fragment with a non-retriable ERROR acknowledgement.</summary>
    public long SkippedFrames { get; init; }

    /// <summary>Times the buffer-duration pressure began.</summary>
    public long BufferPressures { get; init; }

    /// <summary>Times the latency pressure began.</summary>
    public long LatencyPressures { get; init; }

    /// <summary>Frames accepted into the buffer.</summary>
    public long PutFrames { get; init; }

    /// <summary>
    /// Frames acknowledged PERSISTED (or RECEIVED for a stream that keeps no data), each counted once. Includes the
    /// <see cref="PersistedUnconfirmedFrames"/> and the spilled frames uploaded from disk. Once a stream has drained
    /// (and no spilled frame waits on disk), <c>PersistedFrames + DroppedFrames + SkippedFrames = PutFrames</c>: every
    /// accepted frame is either with the service or reported dropped.
    /// </summary>
    public long PersistedFrames { get; init; }

    /// <summary>
    /// Of <see cref="PersistedFrames"/>, those whose fragment the service acknowledged RECEIVED (it had the whole
    /// fragment) on a connection that ended before the PERSISTED came. The service stores what it received (a
    /// failure to store is an ERROR acknowledgement), so they are not sent again: resending would store them twice.
    /// </summary>
    public long PersistedUnconfirmedFrames { get; init; }

    /// <summary>
    /// Frames sent again after a connection that carried them was reset with neither RECEIVED nor PERSISTED for
    /// them (a hung endpoint that stayed silent past <see cref="StreamDefinition.StaleConnectionGrace"/>). Such an
    /// endpoint may still store what its kernel had queued when it resumes, so these, counted once per resend,
    /// are the only frames the service may store twice.
    /// </summary>
    public long ResentUnconfirmedFrames { get; init; }

    /// <summary>Packaged bytes of the frames accepted into the buffer (MKV Cluster and block headers included,
    /// the per-session stream header not). With <see cref="PersistedBytes"/> it gives an upload's progress.</summary>
    public long PutBytes { get; init; }

    /// <summary>Packaged bytes of the frames counted in <see cref="PersistedFrames"/>: <c>PersistedBytes / PutBytes</c>
    /// is the share of the accepted data the service has confirmed.</summary>
    public long PersistedBytes { get; init; }

    /// <summary>Fragments acknowledged PERSISTED (or RECEIVED for a stream that keeps no data), each counted once
    /// however many sessions sent it: the fragments holding <see cref="PersistedFrames"/>.</summary>
    public long PersistedFragments { get; init; }
}

namespace KvsProducer.Buffering;

/// <summary>The acknowledgement side (acknowledgement events as the PutMedia reference describes them: https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_dataplane_PutMedia.html).
/// Fragments are found by the Cluster Timecode the service echoes; acknowledgements of a session that a
/// newer one replaced are ignored.</summary>
internal sealed partial class ContentView
{
    /// <summary>BUFFERING: the service got the fragment's first byte. Marks it; used by the uploader for staleness only.</summary>
    public AckOutcome OnBuffering(int sessionId, long fragmentTimecode)
    {
        lock (_gate)
        {
            var outcome = Mark(sessionId, fragmentTimecode, FragmentState.Buffering, out _);
            if (outcome == AckOutcome.Applied)
            {
                _bufferedAcks++;
                NoteAnswered(fragmentTimecode);
            }

            return outcome;
        }
    }

    /// <summary>RECEIVED: the service got the whole fragment. For a stream that keeps no data this is the
    /// last acknowledgement, so it frees the fragment as PERSISTED would.</summary>
    public AckOutcome OnReceived(int sessionId, long fragmentTimecode)
    {
        AckOutcome outcome;
        lock (_gate)
        {
            outcome = Mark(sessionId, fragmentTimecode, FragmentState.Received, out long fragment);
            if (outcome != AckOutcome.Applied)
            {
                return outcome;
            }

            _receivedAcks++;
            NoteAnswered(fragmentTimecode);
            if (!Options.KeepsData)
            {
                outcome = MarkPersisted(fragment);
            }
        }

        Flush();
        return outcome;
    }

    /// <summary>PERSISTED: the fragment is durable. Marks it and trims the tail over every leading fragment
    /// that is PERSISTED (or skipped) and fully sent, returning its segments to the store (and waking Offline
    /// producers).</summary>
    public AckOutcome OnPersisted(int sessionId, long fragmentTimecode)
    {
        AckOutcome outcome;
        lock (_gate)
        {
            outcome = Find(sessionId, fragmentTimecode, out long fragment);
            if (outcome != AckOutcome.Applied)
            {
                return outcome;
            }

            outcome = MarkPersisted(fragment);
            if (outcome == AckOutcome.Applied)
            {
                _persistedAcks++;
            }
        }

        Flush();
        return outcome;
    }

    /// <summary>
    /// ERROR: by <paramref name="errorId"/> (the ErrorId catalogue of the PutMedia reference, and the official producers' retry rules) the fragment is either resent by the next
    /// session (4000, 4003, 5000, 5001, unknown ids) or skipped: reported dropped with
    /// <see cref="FrameDropReason.ErrorAcknowledgement"/> and never sent again. A null or unknown
    /// <paramref name="fragmentTimecode"/> (the service sends -1 for unparseable MKV) applies to the fragment
    /// being sent, else the oldest unacknowledged one. The service ends the connection after an ERROR.
    /// </summary>
    public AckOutcome OnError(int sessionId, long? fragmentTimecode, int errorId)
    {
        lock (_gate)
        {
            if (sessionId != _sessionId)
            {
                return AckOutcome.StaleSession;
            }

            _errorAcks++;
            long fragment = -1;
            if (fragmentTimecode is { } timecode)
            {
                fragment = FindFragment(timecode);
            }

            if (fragment < 0)
            {
                fragment = _current < _head ? Rec(_current).FragmentStart : OldestNotDone();
            }

            if (fragment < 0)
            {
                return AckOutcome.NotInView;
            }

            if ((Rec(fragment).Fragment & Done) != 0)
            {
                return AckOutcome.Duplicate;
            }

            if (ErrorAckPolicy.IsResent(errorId))
            {
                Rec(fragment).Fragment &= ~FragmentState.Received; // the service failed it after all: it must be sent again
                _resendFrom = _resendFrom < _tail ? fragment : Math.Min(_resendFrom, fragment);
                return AckOutcome.Applied;
            }

            Rec(fragment).Fragment |= FragmentState.Skipped;
            EnqueueDrop(fragment, NextFragmentOrHead(fragment), FrameDropReason.ErrorAcknowledgement, errorId);
            if (fragment == _lastFragment)
            {
                // As the official producers do: a skipped fragment still being built is skipped up to the next fragment start.
                _acceptsContinuation = false;
            }

            TrimDone();
            ReleaseSegments();
        }

        Flush();
        return AckOutcome.Applied;
    }

    /// <summary>IDLE: a keep-alive; nothing in the buffer changes.</summary>
    public AckOutcome OnIdle(int sessionId)
    {
        lock (_gate)
        {
            return sessionId == _sessionId ? AckOutcome.Applied : AckOutcome.StaleSession;
        }
    }

    private AckOutcome Mark(int sessionId, long fragmentTimecode, FragmentState mark, out long fragment)
    {
        var outcome = Find(sessionId, fragmentTimecode, out fragment);
        if (outcome != AckOutcome.Applied)
        {
            return outcome;
        }

        ref var record = ref Rec(fragment);
        if ((record.Fragment & (mark | Done)) != 0)
        {
            return AckOutcome.Duplicate;
        }

        record.Fragment |= mark;
        return AckOutcome.Applied;
    }

    private AckOutcome Find(int sessionId, long fragmentTimecode, out long fragment)
    {
        fragment = -1;
        if (sessionId != _sessionId)
        {
            return AckOutcome.StaleSession;
        }

        fragment = FindFragment(fragmentTimecode);
        return fragment < 0 ? AckOutcome.NotInView : AckOutcome.Applied;
    }

    private AckOutcome MarkPersisted(long fragment)
    {
        if (!Settle(fragment, confirmed: true))
        {
            return AckOutcome.Duplicate;
        }

        TrimDone();
        ReleaseSegments();
        UpdatePressures();
        return AckOutcome.Applied;
    }

    /// <summary>
    /// Marks the fragment persisted and counts it, once. <paramref name="confirmed"/> false: the service RECEIVED it
    /// whole on a session that ended before its PERSISTED came. The service stores what it received (a failure to
    /// store would have been an ERROR acknowledgement), and sending it again would store it twice, so it is never
    /// resent and counts as persisted, in <see cref="StreamBufferMetrics.PersistedUnconfirmedFrames"/> too. The
    /// official producers likewise never roll back before a RECEIVED fragment while the service is reachable.
    /// </summary>
    private bool Settle(long fragment, bool confirmed)
    {
        ref var record = ref Rec(fragment);
        if ((record.Fragment & Done) != 0)
        {
            return false;
        }

        record.Fragment |= FragmentState.Persisted;
        long end = NextFragmentOrHead(fragment);
        _persistedFrames += end - fragment;
        _persistedBytes += OffsetOf(end) - record.Offset;
        _persistedFragments++;
        if (!confirmed)
        {
            _persistedUnconfirmedFrames += end - fragment;
        }

        return true;
    }

    /// <summary>True for a fragment the service RECEIVED whole whose PERSISTED has not come (yet).</summary>
    private bool IsReceivedOnly(long fragment) => (Rec(fragment).Fragment & (FragmentState.Received | Done)) == FragmentState.Received;

    /// <summary>At a new session: what earlier sessions got RECEIVED but not PERSISTED is settled as persisted, unconfirmed
    /// (their PERSISTED cannot come any more: acknowledgements belong to the session that sent the fragment).</summary>
    private void SettleReceivedOnly()
    {
        for (long f = _tail; f < _head; f = NextFragmentOrHead(f))
        {
            if (IsReceivedOnly(f))
            {
                Settle(f, confirmed: false);
            }
        }

        TrimDone();
    }

    /// <summary>Binary search over the ring: fragment timecodes never decrease from tail to head.</summary>
    private long FindFragment(long timecode)
    {
        long low = _tail, high = _head;
        while (low < high)
        {
            long mid = low + ((high - low) / 2);
            if (Rec(mid).FragmentTimecode < timecode)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low < _head && Rec(low).FragmentTimecode == timecode && Rec(low).StartsFragment ? low : -1;
    }

    /// <summary>
    /// True when every stored fragment is finished (PERSISTED, RECEIVED for a stream that keeps no data, or
    /// skipped) — including the newest, which stays in the view until another fragment starts. A stopping
    /// uploader is drained when this holds.
    /// </summary>
    public bool IsFullyAcknowledged
    {
        get
        {
            lock (_gate)
            {
                return OldestNotDone() < 0;
            }
        }
    }

    private long OldestNotDone()
    {
        for (long f = _tail; f < _head; f = NextFragmentOrHead(f))
        {
            if ((Rec(f).Fragment & Done) == 0)
            {
                return f;
            }
        }

        return -1;
    }

    /// <summary>Moves the tail over leading fragments that are finished (PERSISTED or skipped), closed, and
    /// fully sent (invariant 2: bytes the sender may still touch stay).</summary>
    private void TrimDone()
    {
        bool trimmed = false;
        while (_tail < _head && (Rec(_tail).Fragment & Done) != 0)
        {
            long next = Rec(_tail).NextFragment;
            if (next < 0 || Rec(next).Offset > _sendOffset)
            {
                break;
            }

            _tail = next;
            trimmed = true;
        }

        if (trimmed)
        {
            _store.SignalSpaceFreed();
        }
    }

    /// <summary>Drops the oldest fragment if invariant 2 allows: fully sent and answered RECEIVED (settled, not dropped),
    /// not touched by the sender at all, or no session is running (a fragment the last session left half sent is resent whole by the next one,
    /// so during an outage it may go like any other).</summary>
    private bool TryEvictTailFragment(FrameDropReason reason)
    {
        if (_tail >= _head)
        {
            return false;
        }

        long end = NextFragmentOrHead(_tail);
        long startOffset = Rec(_tail).Offset;
        long endOffset = OffsetOf(end);
        bool fullySent = endOffset <= _sendOffset;
        bool untouched = _sendOffset == startOffset && !(_inFlight && !_inFlightHeader);
        if (!fullySent && !untouched && _sessionActive)
        {
            return false;
        }

        if (fullySent && _sessionActive && (Rec(_tail).Fragment & (Done | FragmentState.Received)) == 0)
        {
            // Sent whole on the running session and not answered yet: its bytes are on their way, and reporting it
            // dropped would be wrong once the service stores it (issue 11: drops over-counted on slow links). It
            // leaves when acknowledged, or may be evicted once the session has ended.
            return false;
        }

        if (IsReceivedOnly(_tail))
        {
            Settle(_tail, confirmed: false); // the service has it whole: not a drop, whether or not its PERSISTED still comes
        }
        else if ((Rec(_tail).Fragment & Done) == 0)
        {
            EnqueueDrop(_tail, end, reason, 0);
        }

        if (_tail == _lastFragment)
        {
            _acceptsContinuation = false;
        }

        if (!fullySent)
        {
            _current = end;
            _sendOffset = endOffset;
        }

        if (_resendFrom == _tail)
        {
            _resendFrom = -1;
        }

        _tail = end;
        return true;
    }
}

using System.Buffers;

namespace KvsProducer.Buffering;

/// <summary>The sender side: sessions, rollback, zero-copy reads.</summary>
internal sealed partial class ContentView
{
    /// <summary>
    /// Starts a new upload session (one PutMedia connection) and returns its id. The previous session's
    /// sender must have stopped reading. The session's bytes are the stream header followed by the stored
    /// frames from the rollback point, which is always a fragment start (the official producers' rollback on reconnect):
    /// <list type="bullet">
    /// <item>Offline: the oldest fragment not PERSISTED (everything unpersisted is resent).</item>
    /// <item>Realtime / NearRealtime: the oldest fragment not PERSISTED, but no further back than the replay
    /// duration before the first unsent frame; never past the fragment of the first unsent frame, and no
    /// later than a fragment an ERROR acknowledgement asked to resend. Unpersisted fragments left before the
    /// rollback point are reported dropped (<see cref="FrameDropReason.ReplayWindowExceeded"/>).</item>
    /// </list>
    /// Fragments an earlier session got RECEIVED are never resent: they count as persisted (unconfirmed when their
    /// PERSISTED did not come). Fragments already PERSISTED or skipped after the rollback point are stepped over while sending.
    /// </summary>
    public int StartSession()
    {
        int id;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_header.Length == 0)
            {
                throw new InvalidOperationException("The stream header is not set: call SetHeader with the MKV writer's header before starting a session.");
            }

            SettleReceivedOnly(); // never resent: the service has them whole
            long start = RollbackPoint();
            while (_tail < start)
            {
                long end = NextFragmentOrHead(_tail);
                if ((Rec(_tail).Fragment & Done) == 0)
                {
                    EnqueueDrop(_tail, end, FrameDropReason.ReplayWindowExceeded, 0);
                }

                if (_tail == _lastFragment)
                {
                    _acceptsContinuation = false; // its Cluster header will not be sent again
                }

                _tail = end;
            }

            CountResentUnconfirmed(start);
            _current = start;
            _sendOffset = OffsetOf(start);
            _resendFrom = -1;
            _headerSent = 0;
            _inFlight = false;
            _sessionActive = true;
            _sessions++;
            id = ++_sessionId;
            ReleaseSegments();
            UpdatePressures();
        }

        Flush();
        return id;
    }

    /// <summary>Ends the session: its sender reads no more. Its acknowledgements are still applied until the
    /// next <see cref="StartSession"/> (the service may still send PERSISTED for what it got).</summary>
    public void EndSession(int sessionId)
    {
        lock (_gate)
        {
            if (sessionId == _sessionId)
            {
                FlagUnanswered();
                _sessionActive = false;
                _inFlight = false;
                ReleaseSegments();
            }
        }
    }

    /// <summary>
    /// The next bytes of the session, at most <paramref name="maxBytes"/>: first the header, then stored frames
    /// (at most to the end of the current fragment). The sequence points into the store itself (no copy) and
    /// stays valid until <see cref="AdvanceSent"/>, which must follow every successful read. False when
    /// nothing is waiting to be sent; <see cref="WaitForDataAsync"/> then waits.
    /// </summary>
    public bool TryRead(int sessionId, int maxBytes, out ReadOnlySequence<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        lock (_gate)
        {
            CheckSession(sessionId);
            if (_inFlight)
            {
                throw new InvalidOperationException("The previous read was not confirmed: call AdvanceSent after each TryRead.");
            }

            if (_headerSent < _header.Length)
            {
                int length = Math.Min(_header.Length - _headerSent, maxBytes);
                data = new ReadOnlySequence<byte>(_header.AsMemory(_headerSent, length));
                _inFlight = true;
                _inFlightHeader = true;
                _inFlightLength = length;
                return true;
            }

            StepOverDoneFragments();
            if (_current >= _head)
            {
                data = ReadOnlySequence<byte>.Empty;
                return false;
            }

            long next = Rec(Rec(_current).FragmentStart).NextFragment;
            long end = next >= 0 ? Rec(next).Offset : _committedEnd;
            long count = Math.Min(end - _sendOffset, maxBytes);
            data = _log.Read(_sendOffset, _sendOffset + count);
            _handedOutEnd = Math.Max(_handedOutEnd, _sendOffset + count);
            _inFlight = true;
            _inFlightHeader = false;
            _inFlightLength = count;
            return true;
        }
    }

    /// <summary>Confirms that <paramref name="bytes"/> of the last read went to the network (a short count
    /// leaves the rest to be read again).</summary>
    public void AdvanceSent(int sessionId, long bytes)
    {
        lock (_gate)
        {
            CheckSession(sessionId);
            if (!_inFlight)
            {
                throw new InvalidOperationException("AdvanceSent was called without a read in flight.");
            }

            if (bytes < 0 || bytes > _inFlightLength)
            {
                throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"AdvanceSent must confirm 0 to {_inFlightLength} bytes, the length of the last read.");
            }

            _inFlight = false;
            if (_inFlightHeader)
            {
                _headerSent += (int)bytes;
            }
            else
            {
                _sendOffset += bytes;
                while (_current < _head && Rec(_current).End <= _sendOffset)
                {
                    _current++;
                }

                _sentWatermark = Math.Max(_sentWatermark, _current);
                TrimDone();
            }

            _transferredBytes += bytes;
            _transferRate.Add(bytes, _clock.GetTimestamp(), _clock);
            UpdatePressures();
            ReleaseSegments();
        }

        Flush();
    }

    /// <summary>
    /// True when the session's next bytes begin a fragment (its pre-cluster Tags and Cluster): the one place a
    /// session can end without leaving a fragment half sent, so connection rotation waits for it.
    /// </summary>
    public bool NextReadStartsFragment(int sessionId)
    {
        lock (_gate)
        {
            CheckSession(sessionId);
            StepOverDoneFragments();
            return _headerSent == _header.Length && !_inFlight && _current < _head
                && Rec(_current).StartsFragment && _sendOffset == Rec(_current).Offset;
        }
    }

    /// <summary>Completes when the session has bytes to read: at once if it has (or <see cref="WakeSender"/> was
    /// called since the last wait), else when a frame is committed or the sender is woken (one waiter: the session's
    /// sender). No allocation.</summary>
    public ValueTask WaitForDataAsync(int sessionId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            CheckSession(sessionId);
            StepOverDoneFragments();
            if (_headerSent < _header.Length || _current < _head || _wakeRequested)
            {
                _wakeRequested = false;
                return default;
            }

            // A commit after this point sets the signal again, so no wake-up is lost.
            _dataSignal.Reset();
        }

        return _dataSignal.WaitAsync(cancellationToken);
    }

    /// <summary>Ends the sender's current or next <see cref="WaitForDataAsync"/> without data, so it re-checks stop and
    /// rotation. Not lost when called just before the wait begins.</summary>
    public void WakeSender()
    {
        lock (_gate)
        {
            _wakeRequested = true;
        }

        _dataSignal.Set();
    }

    private void CheckSession(int sessionId)
    {
        if (sessionId != _sessionId || !_sessionActive)
        {
            throw new InvalidOperationException($"Session {sessionId} is not the active session (active: {(_sessionActive ? _sessionId : 0)}): a sender reads only between StartSession and EndSession.");
        }
    }

    /// <summary>At a fragment boundary, steps over fragments that must not be sent again (PERSISTED or skipped).</summary>
    private void StepOverDoneFragments()
    {
        while (_current < _head && Rec(_current).StartsFragment && _sendOffset == Rec(_current).Offset && (Rec(_current).Fragment & Done) != 0)
        {
            _current = NextFragmentOrHead(_current);
            _sendOffset = OffsetOf(_current);
        }
    }

    private long RollbackPoint()
    {
        long oldest = _tail;
        while (oldest < _head && (Rec(oldest).Fragment & Done) != 0)
        {
            oldest = NextFragmentOrHead(oldest);
        }

        if (Mode == StreamingMode.Offline)
        {
            return oldest;
        }

        // The fragment holding the first unsent byte (or the open fragment, whose later frames need its Cluster).
        long unsentFragment = _current < _head ? Rec(_current).FragmentStart
            : _acceptsContinuation && _lastFragment >= _tail ? _lastFragment
            : _head;
        long unsentTicks = _current < _head ? Rec(_current).DecodingTicks
            : _head > _tail ? Rec(_head - 1).DecodingTicks + Rec(_head - 1).DurationTicks
            : 0;
        long replayFrom = unsentTicks - Options.ReplayDuration.Ticks;
        long bound = unsentFragment;
        for (long f = _tail; f < unsentFragment; f = NextFragmentOrHead(f))
        {
            if (Rec(f).DecodingTicks >= replayFrom)
            {
                bound = f;
                break;
            }
        }

        if (_resendFrom >= _tail && _resendFrom < bound)
        {
            bound = _resendFrom;
        }

        return Math.Max(oldest, bound);
    }
}

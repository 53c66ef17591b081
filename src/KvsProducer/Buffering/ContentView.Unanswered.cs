namespace KvsProducer.Buffering;

/// <summary>
/// Fragments a session handed to the network that the service never answered RECEIVED or PERSISTED: a hung
/// endpoint may still store them from its kernel queue after the session is reset, so when the next session
/// sends them again they may be stored twice. They are counted (resent unconfirmed), and the uploader's
/// stale-connection grace asks whether any are left before it resets a session.
/// </summary>
internal sealed partial class ContentView
{
    private const FragmentState Answered = FragmentState.Received | Done;

    private long _sessionStart;
    private long _handedOutEnd; // the store offset up to which this session's reads reached (written or not)
    private long _resentUnconfirmedFrames;

    /// <summary>True while some fragment this session handed out bytes of (to a write that may have reached the network) has no RECEIVED or PERSISTED (nor was skipped).</summary>
    public bool AwaitsAnswers(int sessionId)
    {
        lock (_gate)
        {
            if (sessionId != _sessionId)
            {
                return false;
            }

            for (long f = Math.Max(_sessionStart, _tail); f < _head && Rec(f).Offset < _handedOutEnd; f = NextFragmentOrHead(f))
            {
                if ((Rec(f).Fragment & Answered) == 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>At the end of a session (under the gate): flags what it sent that got no answer.</summary>
    private void FlagUnanswered()
    {
        for (long f = Math.Max(_sessionStart, _tail); f < _head && Rec(f).Offset < _handedOutEnd; f = NextFragmentOrHead(f))
        {
            if ((Rec(f).Fragment & Answered) == 0)
            {
                Rec(f).Fragment |= FragmentState.SentUnanswered;
            }
        }
    }

    /// <summary>At the start of a session from <paramref name="start"/> (under the gate, after earlier RECEIVED are settled):
    /// flagged fragments still unanswered will be sent again; counts their frames once per resend.</summary>
    private void CountResentUnconfirmed(long start)
    {
        _sessionStart = start;
        _handedOutEnd = OffsetOf(start);
        for (long f = start; f < _head; f = NextFragmentOrHead(f))
        {
            ref var record = ref Rec(f);
            if ((record.Fragment & FragmentState.SentUnanswered) == 0)
            {
                continue;
            }

            record.Fragment &= ~FragmentState.SentUnanswered;
            if ((record.Fragment & Answered) == 0)
            {
                _resentUnconfirmedFrames += NextFragmentOrHead(f) - f;
            }
        }
    }
}

using KvsProducer.Nal;

namespace KvsProducer.Sources;

/// <summary>
/// Turns the access units of a raw elementary stream (which carry no timestamps) into frames: decoding
/// times from the frame rate, key-frame flags from the NAL unit types, and presentation times recovered
/// from the picture order count, so B-frame streams are shown in the right order.
/// </summary>
internal sealed class AccessUnitFramer
{
    private readonly VideoCodec _codec;
    private readonly double _framesPerSecond;
    private readonly TimeSpan _start;
    private readonly PresentationTimeRecovery _presentation;
    private long _index;

    public AccessUnitFramer(VideoCodec codec, double framesPerSecond, TimeSpan start)
    {
        _codec = codec;
        _framesPerSecond = framesPerSecond;
        _start = start;
        _presentation = new PresentationTimeRecovery(codec);
    }

    public Frame Next(ReadOnlyMemory<byte> accessUnit)
    {
        // Decoding times from the index (not by adding a rounded duration) so they never drift.
        var decoding = TimeAt(_index);
        return Next(accessUnit, decoding, TimeAt(_index + 1) - decoding);
    }

    /// <summary>A frame with times given by the caller (a live source stamps frames by their arrival).</summary>
    public Frame Next(ReadOnlyMemory<byte> accessUnit, TimeSpan decoding, TimeSpan duration)
    {
        _index++;

        var isKeyFrame = false;
        var reader = new AnnexBReader(accessUnit.Span);
        while (reader.TryReadNext(out var offset, out var length))
        {
            var nal = accessUnit.Span.Slice(offset, length);
            isKeyFrame |= NalUnitTypes.IsRandomAccess(_codec, NalUnitTypes.TypeOf(_codec, nal));
            try
            {
                _presentation.AddNalUnit(nal);
            }
            catch (InvalidDataException error)
            {
                throw new FrameRejectedException(FrameRejectionReason.InvalidParameterSet,
                    $"Access unit {_index - 1}: {error.Message}");
            }
        }

        var presentation = _presentation.CompleteAccessUnit(decoding, duration);
        return new Frame(accessUnit, presentation, decoding, duration, isKeyFrame ? FrameFlags.KeyFrame : FrameFlags.None);
    }

    private TimeSpan TimeAt(long index) => _start + TimeSpan.FromTicks((long)Math.Round(index * TimeSpan.TicksPerSecond / _framesPerSecond));
}

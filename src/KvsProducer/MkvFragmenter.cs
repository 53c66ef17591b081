using System.Buffers;
using System.Security.Cryptography;
using KvsProducer.Mkv;
using KvsProducer.Nal;

namespace KvsProducer;

/// <summary>
/// Turns frames into Kinesis Video Streams MKV: the stream header at the first key
/// frame, one Cluster per fragment, one SimpleBlock per frame, fragment metadata as Tags before its
/// Cluster. Writes straight into any <see cref="IBufferWriter{T}"/> (a file, a pipe, the content store):
/// a frame's payload is copied exactly once, converted from start codes to length prefixes on the way.
/// </summary>
/// <remarks>
/// A refused frame (<see cref="FrameRejectedException"/>) leaves the output and the fragmenter's state
/// as they were: nothing already accepted is affected. Not thread-safe: one writer per stream.
/// Steady state allocates nothing per frame.
/// </remarks>
public sealed class MkvFragmenter
{
    private readonly MkvFragmenterOptions _options;
    private readonly IReadOnlyList<TrackDefinition> _tracks;
    private readonly TrackDefinition _track;
    private readonly bool _hasVideo;
    private readonly long _scaleTicks;
    private readonly long _fragmentDurationUnits;
    private readonly byte[] _segmentUid;
    private readonly FrameNalUnits _nalUnits = new();
    private readonly FragmentMetadata _metadata = new();

    private byte[]? _header;
    private bool _clusterOpen;
    private long _clusterStartUnits;
    private long _clusterMaxPtsUnits;
    private long _previousClusterMaxPtsUnits = long.MinValue;
    private long _clusterBytes;
    private long _originUnits;
    // Per track (same index as Tracks, at most 3): timestamps only have to increase within a track.
    private readonly bool[] _hasPrevious = new bool[MkvFragmenterOptions.MaxTracks];
    private readonly TimeSpan[] _previousDts = new TimeSpan[MkvFragmenterOptions.MaxTracks];
    private readonly TimeSpan[] _previousDuration = new TimeSpan[MkvFragmenterOptions.MaxTracks];

    /// <summary>Creates a fragmenter; throws <see cref="ArgumentException"/> for invalid options.</summary>
    public MkvFragmenter(MkvFragmenterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _tracks = options.Tracks;
        _hasVideo = options.Tracks.Any(t => t.Kind == TrackKind.Video);
        _track = options.Tracks.FirstOrDefault(t => t.Kind == TrackKind.Video) ?? options.Tracks[0];
        _scaleTicks = options.TimecodeScale.Ticks;
        _fragmentDurationUnits = options.FragmentDuration.Ticks / _scaleTicks;
        _segmentUid = options.SegmentUid.IsEmpty ? RandomNumberGenerator.GetBytes(16) : options.SegmentUid.ToArray();
    }

    /// <summary>The stream header (EBML, Segment, Info, Tracks); empty until the first key frame was written.</summary>
    public ReadOnlyMemory<byte> Header => _header;

    /// <summary>The 16-byte SegmentUID written in the header.</summary>
    public ReadOnlyMemory<byte> SegmentUid => _segmentUid;

    /// <summary>Frames written.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>Frames skipped because no key frame had started the stream (or the fragment after an explicit end) yet.</summary>
    public long FramesSkipped { get; private set; }

    /// <summary>Fragments (clusters) started.</summary>
    public long FragmentsStarted { get; private set; }

    /// <summary>Picture width and height from the track definition or the SPS; 0 until the header exists.</summary>
    public (int Width, int Height) PictureSize { get; private set; }

    /// <summary>
    /// Adds metadata to the next fragment (persistent: to every fragment until cancelled with an empty
    /// value). Throws when a Kinesis Video Streams limit would be broken.
    /// </summary>
    public void PutFragmentMetadata(string name, string value, bool persistent = false) => _metadata.Add(name, value, persistent);

    /// <summary>
    /// Requests Kinesis Video Streams <paramref name="events"/> (image generation, notification) for the next
    /// fragment: MKV Tags written just before its Cluster, like fragment metadata. Each event type at most once
    /// per fragment; its pairs count against the 10 metadata items a fragment may carry.
    /// </summary>
    public void PutEvent(StreamEventType events, StreamEventMetadata? metadata = null) => _metadata.AddEvent(events, metadata);

    /// <summary>True while a fragment (Cluster) is open: frames continue it until a key frame or an explicit end.</summary>
    public bool FragmentOpen => _clusterOpen;

    /// <summary>Packages <paramref name="frame"/> into <paramref name="output"/>.</summary>
    /// <exception cref="FrameRejectedException">The frame breaks a rule; output and state are unchanged.</exception>
    public FramePackagingOutcome Write(in Frame frame, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var plan = Plan(frame);
        Commit(frame, plan, output);
        return plan.Outcome;
    }

    /// <summary>
    /// Checks <paramref name="frame"/> and decides what packaging it means (skip, continue or start a
    /// fragment, the cluster timecode, the bytes it will take) without changing anything, so a buffer can
    /// reserve room before <see cref="Commit"/> writes. The NAL scan is kept for that next call.
    /// </summary>
    /// <exception cref="FrameRejectedException">The frame breaks a rule.</exception>
    internal FramePlan Plan(in Frame frame)
    {
        var data = frame.Data.Span;
        var ptsUnits = Validate(frame, data.Length);
        var isVideo = IsVideo(frame);
        var canStart = CanStartFragment(frame, isVideo);

        if (!canStart && !_clusterOpen)
        {
            return new FramePlan(FramePackagingOutcome.SkippedBeforeKeyFrame, ptsUnits, 0, null, default, 0, 0);
        }

        var payloadLength = data.Length;
        if (isVideo)
        {
            _nalUnits.Scan(data, _track.NalUnitFormat);
            payloadLength = _nalUnits.LengthPrefixedSize;
        }

        if (payloadLength > MkvClusterWriter.MaxBlockPayload)
        {
            throw new FrameRejectedException(FrameRejectionReason.FrameTooLarge,
                $"The frame takes {payloadLength} bytes once length-prefixed: an MKV SimpleBlock here holds at most {MkvClusterWriter.MaxBlockPayload}.");
        }

        // The first key frame brings the header (its parameter sets may be the codec private data).
        (int Width, int Height) pictureSize = default;
        var newHeader = _header is null ? BuildHeader(frame, out pictureSize) : null;
        var originUnits = newHeader is null ? _originUnits : ptsUnits;
        var startsFragment = StartsFragment(canStart, ptsUnits);
        long length = MkvClusterWriter.SimpleBlockHeaderLength + payloadLength;
        if (startsFragment)
        {
            CheckFragmentOrder(ptsUnits, originUnits);
            length += _metadata.EncodedLength() + MkvClusterWriter.ClusterStartLength;
        }
        else
        {
            CheckFitsCluster(ptsUnits, payloadLength, frame.TrackNumber, isVideo);
        }

        if (newHeader is not null && _options.WriteHeader)
        {
            length += newHeader.Length;
        }

        if ((frame.Flags & FrameFlags.EndOfFragment) != 0)
        {
            length += MkvTagsWriter.TagsLength(MkvTagsWriter.EndOfFragmentTagName.Length, 0);
        }

        var clusterTimecode = _options.Timecodes == FragmentTimecodes.Absolute ? ptsUnits : ptsUnits - originUnits;
        return new FramePlan(
            startsFragment ? FramePackagingOutcome.StartedFragment : FramePackagingOutcome.Written,
            ptsUnits, payloadLength, newHeader, pictureSize, startsFragment ? clusterTimecode : 0, length);
    }

    /// <summary>Writes a frame <see cref="Plan"/> accepted, with nothing else packaged in between.</summary>
    internal void Commit(in Frame frame, in FramePlan plan, IBufferWriter<byte> output)
    {
        Remember(frame);
        if (plan.Outcome == FramePackagingOutcome.SkippedBeforeKeyFrame)
        {
            FramesSkipped++;
            return;
        }

        if (plan.NewHeader is not null)
        {
            _header = plan.NewHeader;
            _originUnits = plan.PtsUnits;
            PictureSize = plan.PictureSize;
            if (_options.WriteHeader)
            {
                output.Write(plan.NewHeader);
            }
        }

        if (plan.Outcome == FramePackagingOutcome.StartedFragment)
        {
            OpenCluster(output, plan.PtsUnits, plan.ClusterTimecode);
        }

        var data = frame.Data.Span;
        var relative = (short)(plan.PtsUnits - _clusterStartUnits);
        MkvClusterWriter.WriteSimpleBlockHeader(output, frame.TrackNumber, relative, MkvClusterWriter.BlockFlags(frame.Flags), plan.PayloadLength);
        if (!IsVideo(frame) || _track.NalUnitFormat == NalUnitFormat.LengthPrefixed)
        {
            FrameNalUnits.Copy(output, data);
        }
        else
        {
            _nalUnits.WriteLengthPrefixed(output, data);
        }

        _clusterBytes += MkvClusterWriter.SimpleBlockHeaderLength + plan.PayloadLength;
        _clusterMaxPtsUnits = Math.Max(_clusterMaxPtsUnits, plan.PtsUnits);
        FramesWritten++;

        if ((frame.Flags & FrameFlags.EndOfFragment) != 0)
        {
            CloseFragment(output);
        }
    }

    /// <summary>
    /// A planned frame was not stored after all (a full buffer refused it): its timestamps still count,
    /// and the fragment it belonged to is closed so that frames depending on it are skipped until the
    /// next key frame starts a fresh one.
    /// </summary>
    internal void AbandonFragment(in Frame frame)
    {
        Remember(frame);
        if (_clusterOpen)
        {
            _previousClusterMaxPtsUnits = _clusterMaxPtsUnits;
            _clusterOpen = false;
        }
    }

    /// <summary>
    /// Ends the open fragment with the end-of-fragment tag, so the service
    /// acknowledges it without waiting for another cluster. Call at the end of a stream or session.
    /// </summary>
    public void CompleteFragment(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_clusterOpen)
        {
            CloseFragment(output);
        }
    }

    private long Validate(in Frame frame, int length)
    {
        var index = TrackIndex(frame.TrackNumber);
        if (index < 0)
        {
            throw new FrameRejectedException(FrameRejectionReason.UnknownTrack,
                $"The frame names track {frame.TrackNumber} but the stream declares only tracks {string.Join(", ", _tracks.Select(t => t.TrackNumber))}: set Frame.TrackNumber to a declared track.");
        }

        if (length == 0)
        {
            throw new FrameRejectedException(FrameRejectionReason.EmptyFrame, "The frame holds no bytes: pass one encoded access unit per frame.");
        }

        if (length > _options.MaxFrameSize)
        {
            throw new FrameRejectedException(FrameRejectionReason.FrameTooLarge,
                $"The frame is {length} bytes; MaxFrameSize is {_options.MaxFrameSize}: lower the encoder's bitrate or raise MaxFrameSize.");
        }

        if (frame.DecodingTime < TimeSpan.Zero || frame.PresentationTime < TimeSpan.Zero || frame.Duration < TimeSpan.Zero)
        {
            throw new FrameRejectedException(FrameRejectionReason.InvalidTimestamp,
                $"The frame has a negative time (decoding {frame.DecodingTime}, presentation {frame.PresentationTime}, duration {frame.Duration}): timestamps must be zero or positive.");
        }

        if (frame.PresentationTime < frame.DecodingTime)
        {
            throw new FrameRejectedException(FrameRejectionReason.InvalidTimestamp,
                $"The frame is presented at {frame.PresentationTime} before it is decoded at {frame.DecodingTime}: presentation time must be at or after decoding time.");
        }

        if (_hasPrevious[index])
        {
            if (frame.DecodingTime <= _previousDts[index])
            {
                throw new FrameRejectedException(FrameRejectionReason.TimestampNotIncreasing,
                    $"The frame's decoding time {frame.DecodingTime} is not after the previous frame's {_previousDts[index]} on track {frame.TrackNumber}: give each track's frames in decoding order with increasing timestamps.");
            }

            if (_previousDuration[index] > TimeSpan.Zero && frame.DecodingTime < _previousDts[index] + _previousDuration[index])
            {
                throw new FrameRejectedException(FrameRejectionReason.TimestampOverlap,
                    $"The frame's decoding time {frame.DecodingTime} falls inside the previous frame of track {frame.TrackNumber} ({_previousDts[index]} lasting {_previousDuration[index]}): fix the timestamps or the durations.");
            }
        }

        return frame.PresentationTime.Ticks / _scaleTicks;
    }

    private int TrackIndex(int trackNumber)
    {
        for (var i = 0; i < _tracks.Count; i++)
        {
            if (_tracks[i].TrackNumber == trackNumber)
            {
                return i;
            }
        }

        return -1;
    }

    private bool IsVideo(in Frame frame) => _hasVideo && frame.TrackNumber == _track.TrackNumber;

    /// <summary>
    /// With a video track, fragments start only at its key frames (audio and data frames before the first
    /// one are skipped, as the official SDKs do); without one (audio only), any frame may start one.
    /// </summary>
    private bool CanStartFragment(in Frame frame, bool isVideo) => _hasVideo ? isVideo && frame.IsKeyFrame : true;

    private bool StartsFragment(bool canStart, long ptsUnits)
    {
        if (!_clusterOpen)
        {
            return true; // a key frame (non-key frames were skipped above)
        }

        // Audio-only streams are cut by FragmentDuration: every audio frame is a key frame, so
        // KeyFrameFragmentation would make one fragment per frame.
        if (canStart && ((_options.KeyFrameFragmentation && _hasVideo) || ptsUnits - _clusterStartUnits >= _fragmentDurationUnits))
        {
            return true;
        }

        // The block timecode is an int16 relative to the cluster: rather than overflow, start a new
        // cluster (the PIC refuses the frame instead).
        return ptsUnits - _clusterStartUnits > short.MaxValue;
    }

    private void CheckFragmentOrder(long ptsUnits, long originUnits)
    {
        // Error 4004: a fragment must start after everything the previous one showed.
        var previousMax = _clusterOpen ? _clusterMaxPtsUnits : _previousClusterMaxPtsUnits;
        if (ptsUnits <= previousMax)
        {
            throw new FrameRejectedException(FrameRejectionReason.FragmentOverlap,
                $"The key frame at {TimeSpan.FromTicks(ptsUnits * _scaleTicks)} would start a fragment at or before the previous fragment's last presentation time {TimeSpan.FromTicks(previousMax * _scaleTicks)}: the service refuses this (ErrorId 4004). Use closed GOPs.");
        }

        if (_options.Timecodes == FragmentTimecodes.Relative && ptsUnits < originUnits)
        {
            throw new FrameRejectedException(FrameRejectionReason.InvalidTimestamp,
                $"The key frame at {TimeSpan.FromTicks(ptsUnits * _scaleTicks)} is before the stream's first frame: relative timecodes cannot be negative.");
        }
    }

    private void CheckFitsCluster(long ptsUnits, int payloadLength, int trackNumber, bool isVideo)
    {
        if (ptsUnits - _clusterStartUnits < short.MinValue)
        {
            throw new FrameRejectedException(FrameRejectionReason.InvalidTimestamp,
                $"The frame's presentation time is {(_clusterStartUnits - ptsUnits) * _scaleTicks / TimeSpan.TicksPerMillisecond} ms before its fragment's start: an MKV block can point at most {short.MaxValue} timecode units back.");
        }

        if (ptsUnits <= _previousClusterMaxPtsUnits)
        {
            throw new FrameRejectedException(FrameRejectionReason.FragmentOverlap,
                isVideo
                    ? $"The frame's presentation time {TimeSpan.FromTicks(ptsUnits * _scaleTicks)} is not after the previous fragment's last one: the service refuses overlapping fragments (ErrorId 4004). Use closed GOPs."
                    : $"The track {trackNumber} frame at {TimeSpan.FromTicks(ptsUnits * _scaleTicks)} arrived after the video key frame that started the next fragment, and is not after the previous fragment's last frame: the service refuses overlapping fragments (ErrorId 4004). Put the frames of all tracks in timestamp order (no reordering window here), e.g. from one capture loop.");
        }

        if (_clusterBytes + MkvClusterWriter.SimpleBlockHeaderLength + payloadLength > _options.MaxFragmentSize)
        {
            throw new FrameRejectedException(FrameRejectionReason.FrameTooLarge,
                $"The fragment would exceed {_options.MaxFragmentSize} bytes with this frame (the service refuses it, ErrorId 4001): send key frames more often or lower the bitrate.");
        }
    }

    private void OpenCluster(IBufferWriter<byte> output, long ptsUnits, long timecode)
    {
        if (_clusterOpen)
        {
            _previousClusterMaxPtsUnits = _clusterMaxPtsUnits;
        }

        _metadata.WriteBeforeCluster(output);
        MkvClusterWriter.WriteClusterStart(output, (ulong)timecode);
        _clusterOpen = true;
        _clusterStartUnits = ptsUnits;
        _clusterMaxPtsUnits = ptsUnits;
        _clusterBytes = MkvClusterWriter.ClusterStartLength;
        FragmentsStarted++;
    }

    private void CloseFragment(IBufferWriter<byte> output)
    {
        MkvTagsWriter.WriteEndOfFragment(output);
        _previousClusterMaxPtsUnits = _clusterMaxPtsUnits;
        _clusterOpen = false;
    }

    private void Remember(in Frame frame)
    {
        var index = TrackIndex(frame.TrackNumber);
        _hasPrevious[index] = true;
        _previousDts[index] = frame.DecodingTime;
        _previousDuration[index] = frame.Duration;
    }

    private byte[] BuildHeader(in Frame frame, out (int Width, int Height) pictureSize)
    {
        pictureSize = default;
        var headers = new List<MkvTrackHeader>(_tracks.Count);
        foreach (var track in _tracks)
        {
            if (track.Kind == TrackKind.Video)
            {
                var configuration = ResolveCodecConfiguration(frame);
                var width = track.Width > 0 ? track.Width : configuration.Width;
                var height = track.Height > 0 ? track.Height : configuration.Height;
                pictureSize = (width, height);
                headers.Add(new MkvTrackHeader(track.TrackNumber, track.TrackUid, track.Name, track.CodecId, configuration.CodecPrivateData, width, height));
            }
            else
            {
                headers.Add(new MkvTrackHeader(track.TrackNumber, track.TrackUid, track.Name, track.CodecId, track.CodecPrivateData, 0, 0)
                {
                    TrackType = track.Kind == TrackKind.Audio ? 2 : 0x21,
                    SamplingRate = track.SamplingRate,
                    Channels = track.Channels,
                    BitDepth = track.BitDepth,
                });
            }
        }

        var info = new MkvSegmentInfo(_segmentUid, _scaleTicks * 100, _options.Title, ProducerInfo.Application);
        return MkvStreamHeaderWriter.Build(info, headers);
    }

    private CodecConfiguration ResolveCodecConfiguration(in Frame frame)
    {
        var supplied = _track.CodecPrivateData;
        if (!supplied.IsEmpty)
        {
            return AnnexB.IndexOfStartCode(supplied.Span) is 0 or 1
                ? CodecConfiguration.FromParameterSets(_track.Codec, ParameterSets(supplied, NalUnitFormat.AnnexB))
                : CodecConfiguration.FromRecord(_track.Codec, supplied.Span);
        }

        // No codec private data given → build it from the first key frame's parameter sets.
        return CodecConfiguration.FromParameterSets(_track.Codec, ParameterSets(frame.Data, _track.NalUnitFormat));
    }

    /// <summary>The parameter-set NAL units of <paramref name="data"/> (runs once per stream, so it may allocate).</summary>
    private List<ReadOnlyMemory<byte>> ParameterSets(ReadOnlyMemory<byte> data, NalUnitFormat format)
    {
        var scanner = new FrameNalUnits();
        scanner.Scan(data.Span, format);
        var sets = new List<ReadOnlyMemory<byte>>();
        for (var i = 0; i < scanner.Count; i++)
        {
            var nal = data.Slice(scanner.Offsets[i], scanner.Lengths[i]);
            if (NalUnitTypes.IsParameterSet(_track.Codec, NalUnitTypes.TypeOf(_track.Codec, nal.Span)))
            {
                sets.Add(nal);
            }
        }

        return sets;
    }
}

using System.Buffers.Binary;
using System.Text;

namespace KvsProducer.LocalEndpoint.Internal.Mkv;

/// <summary>
/// Push-based, incremental EBML/Matroska reader for PutMedia bodies.
/// Bytes go in as they arrive, split anywhere; events come out to an <see cref="IMkvIngestSink"/>.
/// It never buffers more than one small element value (at most <see cref="MaxValueSize"/> bytes),
/// skips payloads without copying, keeps a bounded stack, accepts unknown sizes only on Segment and
/// Cluster, and rejects element sizes that overrun their parent.
/// </summary>
internal sealed class MkvIngestParser
{
    /// <summary>Largest element value the parser holds in memory (strings and integers it needs).</summary>
    public const int MaxValueSize = 4096;

    private const int MaxDepth = 16;
    private const long UnknownSize = -1;

    // Matroska element IDs (with their length-marker bits).
    private const uint EbmlId = 0x1A45DFA3;
    private const uint DocTypeId = 0x4282;
    private const uint SegmentId = 0x18538067;
    private const uint SeekHeadId = 0x114D9B74;
    private const uint InfoId = 0x1549A966;
    private const uint TimecodeScaleId = 0x2AD7B1;
    private const uint TracksId = 0x1654AE6B;
    private const uint TrackEntryId = 0xAE;
    private const uint TrackNumberId = 0xD7;
    private const uint TrackUidId = 0x73C5;
    private const uint TrackTypeId = 0x83;
    private const uint CodecIdId = 0x86;
    private const uint NameId = 0x536E;
    private const uint ClusterId = 0x1F43B675;
    private const uint TimecodeId = 0xE7;
    private const uint SimpleBlockId = 0xA3;
    private const uint BlockGroupId = 0xA0;
    private const uint BlockId = 0xA1;
    private const uint CuesId = 0x1C53BB6B;
    private const uint ChaptersId = 0x1043A770;
    private const uint AttachmentsId = 0x1941A469;
    private const uint TagsId = 0x1254C367;
    private const uint TagId = 0x7373;
    private const uint SimpleTagId = 0x67C8;
    private const uint TagNameId = 0x45A3;
    private const uint TagStringId = 0x4487;

    private readonly IMkvIngestSink _sink;
    private readonly Frame[] _stack = new Frame[MaxDepth];
    private readonly byte[] _header = new byte[12];
    private readonly byte[] _value = new byte[MaxValueSize];
    private int _depth;
    private Phase _phase = Phase.Id;
    private int _headerLength;
    private int _idLength;
    private int _sizeLength;
    private uint _elementId;
    private long _elementSize;
    private MkvRegion _elementRegion;
    private int _valueLength;
    private long _remaining;
    private bool _firstClusterSeen;

    // Values collected inside the current TrackEntry / SimpleTag.
    private ulong _trackNumber;
    private ulong _trackUid;
    private ulong _trackType;
    private string? _codecId;
    private string? _trackName;
    private string? _tagName;
    private string? _tagString;
    private string _docType = string.Empty;

    public MkvIngestParser(IMkvIngestSink sink)
    {
        _sink = sink;
    }

    private enum Phase
    {
        Id,
        Size,
        Value,
        BlockHeader,
        Skip,
    }

    /// <summary>Bytes consumed so far.</summary>
    public long Position { get; private set; }

    /// <summary>Consumes all of <paramref name="data"/>; throws <see cref="IngestRejected"/> on invalid input.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        while (true)
        {
            if (_phase == Phase.Id && _headerLength == 0)
            {
                CloseFinishedMasters();
            }

            if (data.IsEmpty)
            {
                return;
            }

            switch (_phase)
            {
                case Phase.Id:
                case Phase.Size:
                    ReadHeaderByte(data[0]);
                    data = data[1..];
                    break;
                case Phase.Value:
                {
                    int take = (int)Math.Min(data.Length, _remaining);
                    data[..take].CopyTo(_value.AsSpan(_valueLength));
                    Emit(_elementRegion, data[..take]);
                    _valueLength += take;
                    _remaining -= take;
                    data = data[take..];
                    if (_remaining == 0)
                    {
                        OnValue(_elementId, _value.AsSpan(0, _valueLength));
                        _phase = Phase.Id;
                    }

                    break;
                }

                case Phase.BlockHeader:
                {
                    int needed = BlockHeaderLength();
                    int take = (int)Math.Min(Math.Min(data.Length, needed - _valueLength), _remaining);
                    data[..take].CopyTo(_value.AsSpan(_valueLength));
                    Emit(_elementRegion, data[..take]);
                    _valueLength += take;
                    _remaining -= take;
                    data = data[take..];
                    needed = BlockHeaderLength();
                    if (_valueLength >= needed)
                    {
                        OnBlockHeader(_value.AsSpan(0, needed));
                        _phase = _remaining == 0 ? Phase.Id : Phase.Skip;
                    }
                    else if (_remaining == 0)
                    {
                        throw Invalid($"A block of {_elementSize} bytes is too short for its header (track number, timecode, flags).");
                    }

                    break;
                }

                case Phase.Skip:
                {
                    int take = (int)Math.Min(data.Length, _remaining);
                    Emit(_elementRegion, data[..take]);
                    _remaining -= take;
                    data = data[take..];
                    if (_remaining == 0)
                    {
                        _phase = Phase.Id;
                    }

                    break;
                }
            }
        }
    }

    /// <summary>The body ended: closes what may end with the body (unknown-size Cluster and Segment) or rejects a truncated element.</summary>
    public void Complete()
    {
        if (_phase != Phase.Id || _headerLength != 0)
        {
            throw Invalid($"The body ended inside element 0x{_elementId:X} at byte {Position}: the MKV is truncated.");
        }

        CloseFinishedMasters();
        while (_depth > 0)
        {
            Frame frame = _stack[_depth - 1];
            if (frame.End != UnknownSize && frame.Id != SegmentId)
            {
                throw Invalid($"The body ended at byte {Position} inside element 0x{frame.Id:X}, which claimed to end at byte {frame.End}: the MKV is truncated.");
            }

            Pop();
        }
    }

    private static IngestRejected Invalid(string message) => new(AckErrorId.InvalidMkvData, message);

    private static bool IsLevel1(uint id) => id is SeekHeadId or InfoId or TracksId or ClusterId or CuesId or ChaptersId or AttachmentsId or TagsId;

    private static bool IsMaster(uint id) => id is EbmlId or SegmentId or InfoId or TracksId or TrackEntryId or ClusterId or BlockGroupId or TagsId or TagId or SimpleTagId;

    private void Emit(MkvRegion region, ReadOnlySpan<byte> bytes)
    {
        Position += bytes.Length;
        _sink.OnBytes(region, bytes);
    }

    private void ReadHeaderByte(byte b)
    {
        if (_phase == Phase.Id)
        {
            if (_headerLength == 0)
            {
                _idLength = b == 0 ? 0 : System.Numerics.BitOperations.LeadingZeroCount((uint)b) - 24 + 1;
                if (_idLength is 0 or > 4)
                {
                    throw Invalid($"Byte 0x{b:X2} at offset {Position} cannot start an EBML element ID (IDs are 1–4 bytes).");
                }
            }

            _header[_headerLength++] = b;
            if (_headerLength == _idLength)
            {
                _elementId = 0;
                for (int i = 0; i < _idLength; i++)
                {
                    _elementId = (_elementId << 8) | _header[i];
                }

                _phase = Phase.Size;
            }

            return;
        }

        if (_headerLength == _idLength)
        {
            _sizeLength = b == 0 ? 0 : System.Numerics.BitOperations.LeadingZeroCount((uint)b) - 24 + 1;
            if (_sizeLength == 0)
            {
                throw Invalid($"Element 0x{_elementId:X} at offset {Position - _idLength} has an invalid size (first byte 0x00; sizes are 1–8 bytes).");
            }
        }

        _header[_headerLength++] = b;
        if (_headerLength == _idLength + _sizeLength)
        {
            // Any width; strip the marker bit; all value bits set = unknown.
            ulong size = (ulong)(_header[_idLength] & (0xFF >> _sizeLength));
            bool allOnes = size == (ulong)(0xFF >> _sizeLength);
            for (int i = _idLength + 1; i < _headerLength; i++)
            {
                size = (size << 8) | _header[i];
                allOnes &= _header[i] == 0xFF;
            }

            _elementSize = allOnes ? UnknownSize : (size > long.MaxValue / 2 ? long.MaxValue / 2 : (long)size);
            int headerLength = _headerLength;
            _headerLength = 0;
            StartElement(headerLength);
        }
    }

    private void StartElement(int headerLength)
    {
        uint id = _elementId;
        long size = _elementSize;
        long start = Position;
        _phase = Phase.Id;

        // An unknown-size Cluster ends at the next level-1 ID; an
        // unknown-size Segment ends at a new EBML header.
        while (_depth > 0 && _stack[_depth - 1].End == UnknownSize)
        {
            uint open = _stack[_depth - 1].Id;
            bool closes = (open == ClusterId && (IsLevel1(id) || id is EbmlId or SegmentId))
                || (open == SegmentId && id is EbmlId or SegmentId);
            if (!closes)
            {
                break;
            }

            Pop();
        }

        long dataStart = start + headerLength;
        if (_depth > 0)
        {
            Frame parent = _stack[_depth - 1];
            if (parent.End != UnknownSize && (size == UnknownSize || dataStart + size > parent.End))
            {
                throw Invalid(size == UnknownSize
                    ? $"Element 0x{id:X} at offset {start} has an unknown size inside element 0x{parent.Id:X} of known size."
                    : $"Element 0x{id:X} at offset {start} claims {size} bytes, past the end of its parent 0x{parent.Id:X} ({parent.End - dataStart} bytes left): the size is wrong.");
            }
        }

        MkvRegion region = RegionOf(id);
        _elementRegion = region;
        if (size == UnknownSize && id is not SegmentId and not ClusterId)
        {
            throw Invalid($"Element 0x{id:X} at offset {start} has an unknown size; only Segment and Cluster may.");
        }

        if (IsMaster(id) && IsExpectedMaster(id))
        {
            // Push first so that a Cluster's own header bytes already belong to the new fragment.
            Push(id, size == UnknownSize ? UnknownSize : dataStart + size, region);
            Emit(region, _header.AsSpan(0, headerLength));
            return;
        }

        Emit(region, _header.AsSpan(0, headerLength));
        if (size == UnknownSize)
        {
            throw Invalid($"Element 0x{id:X} at offset {start} has an unknown size where it is not allowed.");
        }

        if (_depth == 0)
        {
            throw Invalid($"Element 0x{id:X} at offset {start} is not an EBML header: a PutMedia body starts with the EBML header (1A 45 DF A3).");
        }

        uint parentId = _stack[_depth - 1].Id;
        if ((id == SimpleBlockId && parentId == ClusterId) || (id == BlockId && parentId == BlockGroupId))
        {
            if (size < 4)
            {
                throw Invalid($"A block at offset {start} has {size} bytes, too few for its header (track number, timecode, flags).");
            }

            _remaining = size;
            _valueLength = 0;
            _phase = Phase.BlockHeader;
            return;
        }

        if (WantsValue(id, parentId))
        {
            if (size > MaxValueSize)
            {
                throw id is TagNameId or TagStringId
                    ? new IngestRejected(AckErrorId.FragmentMetadataLimitReached, $"A metadata {(id == TagNameId ? "name" : "value")} of {size} bytes is far over the limit.")
                    : Invalid($"Element 0x{id:X} at offset {start} claims {size} bytes; at most {MaxValueSize} are plausible.");
            }

            _remaining = size;
            _valueLength = 0;
            if (size == 0)
            {
                OnValue(id, []);
                return;
            }

            _phase = Phase.Value;
            return;
        }

        _remaining = size;
        _phase = size == 0 ? Phase.Id : Phase.Skip;
    }

    private bool IsExpectedMaster(uint id)
    {
        uint parent = _depth == 0 ? 0 : _stack[_depth - 1].Id;
        return id switch
        {
            EbmlId or SegmentId => _depth == 0,
            InfoId or TracksId or ClusterId or TagsId => parent == SegmentId,
            TrackEntryId => parent == TracksId,
            BlockGroupId => parent == ClusterId,
            TagId => parent == TagsId,
            SimpleTagId => parent is TagId or SimpleTagId,
            _ => false,
        };
    }

    private static bool WantsValue(uint id, uint parent) => (id, parent) switch
    {
        (DocTypeId, EbmlId) => true,
        (TimecodeScaleId, InfoId) => true,
        (TrackNumberId or TrackUidId or TrackTypeId or CodecIdId or NameId, TrackEntryId) => true,
        (TimecodeId, ClusterId) => true,
        (TagNameId or TagStringId, SimpleTagId) => true,
        _ => false,
    };

    private MkvRegion RegionOf(uint id)
    {
        if (_depth == 0 || _stack[_depth - 1].Id == EbmlId)
        {
            return MkvRegion.Envelope;
        }

        if (_stack[_depth - 1].Id == SegmentId)
        {
            return id switch
            {
                ClusterId => MkvRegion.Cluster,
                TagsId => MkvRegion.Tags,
                _ => _firstClusterSeen ? MkvRegion.Other : MkvRegion.Header,
            };
        }

        // Deeper: the region of the level-1 element (the stack's bottom is the EBML header or the Segment).
        return _stack[1].Region;
    }

    private void Push(uint id, long end, MkvRegion region)
    {
        if (_depth == MaxDepth)
        {
            throw Invalid($"Elements are nested more than {MaxDepth} deep at offset {Position}.");
        }

        _stack[_depth++] = new Frame(id, end, region);
        switch (id)
        {
            case EbmlId:
                _docType = string.Empty;
                break;
            case SegmentId:
                _firstClusterSeen = false;
                break;
            case TrackEntryId:
                (_trackNumber, _trackUid, _trackType, _codecId, _trackName) = (0, 0, 0, null, null);
                break;
            case ClusterId:
                _firstClusterSeen = true;
                _sink.OnClusterStart();
                break;
            case SimpleTagId:
                FlushSimpleTag();
                break;
        }
    }

    private void Pop()
    {
        Frame frame = _stack[--_depth];
        switch (frame.Id)
        {
            case EbmlId:
                _sink.OnEbmlHeader(_docType);
                break;
            case TrackEntryId:
                if (_trackNumber == 0)
                {
                    throw Invalid("A TrackEntry has no TrackNumber (or 0): number tracks from 1.");
                }

                _sink.OnTrack(_trackNumber, _trackUid, _trackType, _codecId, _trackName);
                break;
            case TracksId:
                _sink.OnTracksEnd();
                break;
            case ClusterId:
                _sink.OnClusterEnd();
                break;
            case SimpleTagId:
                FlushSimpleTag();
                break;
        }
    }

    private void CloseFinishedMasters()
    {
        while (_depth > 0 && _stack[_depth - 1].End == Position)
        {
            Pop();
        }
    }

    private void FlushSimpleTag()
    {
        if (_tagName is not null)
        {
            _sink.OnSimpleTag(_tagName, _tagString ?? string.Empty);
        }

        (_tagName, _tagString) = (null, null);
    }

    private void OnValue(uint id, ReadOnlySpan<byte> value)
    {
        switch (id)
        {
            case DocTypeId:
                _docType = Text(value);
                break;
            case TimecodeScaleId:
                _sink.OnTimecodeScale(UnsignedValue(id, value));
                break;
            case TrackNumberId:
                _trackNumber = UnsignedValue(id, value);
                break;
            case TrackUidId:
                _trackUid = UnsignedValue(id, value);
                break;
            case TrackTypeId:
                _trackType = UnsignedValue(id, value);
                break;
            case CodecIdId:
                _codecId = Text(value);
                break;
            case NameId:
                _trackName = Text(value);
                break;
            case TimecodeId:
                _sink.OnClusterTimecode(UnsignedValue(id, value));
                break;
            case TagNameId:
                FlushSimpleTag();
                _tagName = Text(value);
                break;
            case TagStringId:
                _tagString = Text(value);
                break;
        }
    }

    // Older PIC builds NUL-terminate and NUL-pad strings.
    private static string Text(ReadOnlySpan<byte> value) => Encoding.UTF8.GetString(value.TrimEnd((byte)0));

    private static ulong UnsignedValue(uint id, ReadOnlySpan<byte> value)
    {
        if (value.Length > 8)
        {
            throw Invalid($"Unsigned integer element 0x{id:X} has {value.Length} bytes; at most 8 are allowed.");
        }

        ulong result = 0;
        foreach (byte b in value)
        {
            result = (result << 8) | b;
        }

        return result;
    }

    private int BlockHeaderLength()
    {
        if (_valueLength == 0)
        {
            return 4;
        }

        byte first = _value[0];
        int vintLength = first == 0 ? 9 : System.Numerics.BitOperations.LeadingZeroCount((uint)first) - 24 + 1;
        if (vintLength > 8)
        {
            throw Invalid($"A block's track number at offset {Position - _valueLength} is not a valid EBML number.");
        }

        return vintLength + 3;
    }

    private void OnBlockHeader(ReadOnlySpan<byte> header)
    {
        int vintLength = header.Length - 3;
        ulong track = (ulong)(header[0] & (0xFF >> vintLength));
        for (int i = 1; i < vintLength; i++)
        {
            track = (track << 8) | header[i];
        }

        short relative = BinaryPrimitives.ReadInt16BigEndian(header[vintLength..]);
        _sink.OnBlock(track, relative, header[vintLength + 2], _elementSize);
    }

    private readonly record struct Frame(uint Id, long End, MkvRegion Region);
}

namespace KvsProducer;

/// <summary>How the NAL units of a frame are delimited in the bytes handed to the producer.</summary>
public enum NalUnitFormat
{
    /// <summary>Start codes (<c>00 00 01</c> or <c>00 00 00 01</c>): what cameras, encoders and raw files give.
    /// Converted to 4-byte length prefixes while the frame is copied into the stream.</summary>
    AnnexB,

    /// <summary>4-byte big-endian length prefixes (AVCC/HVCC, as in MP4 and MKV): copied as they are.</summary>
    LengthPrefixed,
}

namespace KvsProducer.Tests.Support;

/// <summary>
/// Reads a raw Annex-B file that ffmpeg wrote into NAL units and access units, for tests of the NAL
/// layer. Deliberately naive (byte-by-byte start-code search): it is an oracle, not the product's
/// AnnexBReader.
/// </summary>
internal static class FfmpegElementaryStream
{
    /// <summary>The NAL units of an Annex-B byte stream, without start codes.</summary>
    public static IReadOnlyList<byte[]> NalUnits(byte[] stream)
    {
        var starts = new List<int>();
        for (var i = 0; i + 2 < stream.Length; i++)
        {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1)
            {
                starts.Add(i + 3);
                i += 2;
            }
        }

        var nalUnits = new List<byte[]>();
        for (var n = 0; n < starts.Count; n++)
        {
            var end = n + 1 < starts.Count ? starts[n + 1] - 3 : stream.Length;
            while (end > starts[n] && stream[end - 1] == 0)
            {
                end--; // trailing_zero_8bits / the leading zero of a 4-byte start code
            }

            nalUnits.Add(stream[starts[n]..end]);
        }

        return nalUnits;
    }

    /// <summary>
    /// Groups NAL units into access units: a new one starts at a parameter set, SEI or delimiter that
    /// follows a slice, or at a slice that starts a picture (H.264 first_mb_in_slice = 0, H.265
    /// first_slice_segment_in_pic_flag).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<byte[]>> AccessUnits(VideoCodec codec, IReadOnlyList<byte[]> nalUnits)
    {
        var accessUnits = new List<IReadOnlyList<byte[]>>();
        var current = new List<byte[]>();
        var currentHasSlice = false;
        foreach (var nalUnit in nalUnits)
        {
            var isH265 = codec == VideoCodec.H265;
            var type = isH265 ? (nalUnit[0] >> 1) & 0x3F : nalUnit[0] & 0x1F;
            var isSlice = isH265 ? type < 32 : type is >= 1 and <= 5;
            var startsPicture = isSlice && (isH265 ? (nalUnit[2] & 0x80) != 0 : (nalUnit[1] & 0x80) != 0);
            var isPrefix = isH265 ? type is 32 or 33 or 34 or 35 or 39 : type is 6 or 7 or 8 or 9;
            if (currentHasSlice && (startsPicture || isPrefix))
            {
                accessUnits.Add(current);
                current = [];
                currentHasSlice = false;
            }

            current.Add(nalUnit);
            currentHasSlice |= isSlice;
        }

        if (current.Count > 0)
        {
            accessUnits.Add(current);
        }

        return accessUnits;
    }
}

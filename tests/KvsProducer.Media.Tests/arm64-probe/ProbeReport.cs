using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KvsProducer.Media;

namespace KvsProducer.Media.Probe;

/// <summary>
/// A text report of what a source delivers (track, every frame's times, flags and bytes hashed).
/// Compiled into the linux-arm64 probe app and into the tests, so the x64 report made in-process
/// and the arm64 report made under qemu come from the same code and must be identical.
/// </summary>
internal static class ProbeReport
{
    /// <summary>Options that make encoding deterministic across machines: one encoder thread.</summary>
    public static MediaSourceOptions Options { get; } = new()
    {
        Encoder = H264Encoder.Libx264,
        EncoderThreads = 1,
        KeyFrameInterval = TimeSpan.FromSeconds(1),
        Audio = SourceAudio.Auto,
    };

    public static async Task<string> WriteAsync(string uri, int maxFrames)
    {
        var report = new StringBuilder();
        using MediaSource source = MediaSource.Open(uri, Options);
        // One "track " line per source (the tests split reports there); an audio track beside video is "audio ".
        foreach (TrackDefinition track in source.Tracks)
        {
            string line = track == source.Track ? "track" : "audio";
            if (track.Kind == TrackKind.Audio)
            {
                report.Append(CultureInfo.InvariantCulture,
                    $"{line} {track.AudioCodec} {track.SamplingRate}Hz {track.Channels}ch encoder={source.AudioEncoderName ?? "passthrough"} codec-private={Hash(track.CodecPrivateData.Span)}\n");
            }
            else
            {
                report.Append(CultureInfo.InvariantCulture,
                    $"{line} {track.Codec} {track.NalUnitFormat} {track.Width}x{track.Height} encoder={source.EncoderName ?? "passthrough"} codec-private={Hash(track.CodecPrivateData.Span)}\n");
            }
        }

        int count = 0;
        await foreach (Frame frame in source.ReadFramesAsync())
        {
            report.Append(CultureInfo.InvariantCulture,
                $"{count} pts={frame.PresentationTime.Ticks} dts={frame.DecodingTime.Ticks} dur={frame.Duration.Ticks} key={(frame.IsKeyFrame ? 1 : 0)} size={frame.Data.Length} {Hash(frame.Data.Span)}{(frame.TrackNumber == source.Track.TrackNumber ? "" : " audio")}\n");
            if (++count >= maxFrames)
            {
                break;
            }
        }

        return report.ToString();
    }

    private static string Hash(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data))[..16];
}

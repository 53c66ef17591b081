using System.Globalization;

namespace KvsProducer.Media.Internal;

/// <summary>
/// The audio source URIs (issue 12): <c>alsa:hw:1,0?rate=48000&amp;channels=2&amp;codec=aac</c> (a
/// microphone) and <c>sine:?rate=..&amp;channels=..&amp;codec=..</c> (a generated tone, its stand-in in
/// tests), and the <c>audio=</c> parameter of <c>testsrc:</c>. Same query rules and errors as the video URIs.
/// </summary>
internal static class AudioUri
{
    private static readonly string[] s_known = ["rate", "channels", "codec"];

    public static SourceSpec Alsa(string uri, MediaSourceOptions options)
    {
        int question = uri.IndexOf('?', StringComparison.Ordinal);
        string device = (question < 0 ? uri : uri[..question])["alsa:".Length..];
        if (device.StartsWith("//", StringComparison.Ordinal))
        {
            device = device[2..];
        }

        if (device.Length == 0)
        {
            throw new MediaSourceException(MediaErrorReason.InvalidUri,
                $"'{uri}' names no capture device: write alsa:hw:CARD,DEVICE (e.g. alsa:hw:1,0; `arecord -l` lists them) or alsa:default.");
        }

        Dictionary<string, string> query = MediaUri.Query(uri, question, s_known);
        var ffmpegOptions = new List<KeyValuePair<string, string>>();
        int rate = Rate(uri, query, options.AudioSampleRate);
        if (rate > 0)
        {
            ffmpegOptions.Add(new("sample_rate", rate.ToString(CultureInfo.InvariantCulture)));
        }

        int channels = Channels(uri, query, options.AudioChannels);
        if (channels > 0)
        {
            ffmpegOptions.Add(new("channels", channels.ToString(CultureInfo.InvariantCulture)));
        }

        return new SourceSpec(SourceKind.Alsa, device, "alsa", ffmpegOptions, uri, null, Codec(uri, query, options));
    }

    public static SourceSpec Tone(string uri, MediaSourceOptions options)
    {
        Dictionary<string, string> query = MediaUri.Query(uri, uri.IndexOf('?', StringComparison.Ordinal), s_known);
        string graph = Graph(uri, query, options);
        return new SourceSpec(SourceKind.TestTone, graph, "lavfi", [], uri, null, Codec(uri, query, options));
    }

    /// <summary>The lavfi graph of a 440 Hz tone at the URI's rate and channels (default 48 kHz stereo).</summary>
    public static string Graph(string uri, Dictionary<string, string> query, MediaSourceOptions options)
    {
        int rate = Rate(uri, query, options.AudioSampleRate);
        int channels = Channels(uri, query, options.AudioChannels);
        return string.Create(CultureInfo.InvariantCulture,
            $"sine=frequency=440:sample_rate={(rate > 0 ? rate : 48000)},aformat=channel_layouts={((channels > 0 ? channels : 2) == 1 ? "mono" : "stereo")}");
    }

    /// <summary>The codec= parameter (aac, alaw, mulaw), else the options' choice (aac when it is None or Auto: the samples must be encoded).</summary>
    public static string Codec(string uri, Dictionary<string, string> query, MediaSourceOptions options)
    {
        if (query.TryGetValue("codec", out string? codec))
        {
            return codec is "aac" or "alaw" or "mulaw"
                ? codec
                : throw new MediaSourceException(MediaErrorReason.InvalidUri,
                    $"'{uri}': codec={codec} is not an audio codec Kinesis Video Streams takes: use aac, alaw or mulaw (G.711).");
        }

        return options.Audio switch
        {
            SourceAudio.ALaw => "alaw",
            SourceAudio.MuLaw => "mulaw",
            _ => "aac",
        };
    }

    private static int Rate(string uri, Dictionary<string, string> query, int fallback)
    {
        if (!query.TryGetValue("rate", out string? text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int rate) && rate is >= 8000 and <= 96000
            ? rate
            : throw new MediaSourceException(MediaErrorReason.InvalidUri,
                $"'{uri}': rate={text} is not a sample rate: use Hz, 8000 to 96000, as in rate=48000 (rate=8000 for G.711).");
    }

    private static int Channels(string uri, Dictionary<string, string> query, int fallback)
    {
        if (!query.TryGetValue("channels", out string? text))
        {
            return fallback;
        }

        return text is "1" or "2"
            ? text[0] - '0'
            : throw new MediaSourceException(MediaErrorReason.InvalidUri,
                $"'{uri}': channels={text} is not supported: use 1 (mono) or 2 (stereo), Kinesis Video Streams' limit.");
    }
}

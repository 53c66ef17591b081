using System.CommandLine;
using KvsProducer.Media;
using KvsProducer.Sources;

namespace KvsProducer.Cli;

/// <summary>
/// The audio options of the source-reading commands (issue 12): <c>--no-audio</c>, <c>--audio-codec</c>,
/// and <c>--audio FILE</c>, audio frames beside a raw H.264/H.265 input (frames:, file:*.h264).
/// </summary>
internal sealed class AudioOptions
{
    public Option<bool> NoAudio { get; } = new("--no-audio") { Description = "Leave out the source's audio (video only)." };

    public Option<string> Codec { get; } = new("--audio-codec")
    {
        Description = "Audio track codec: auto (AAC and G.711 pass through, others are encoded to AAC), aac, alaw or mulaw (G.711; others are encoded to it, 8 kHz mono).",
        DefaultValueFactory = _ => "auto",
        Validators =
        {
            r =>
            {
                if (r.GetValueOrDefault<string>() is var codec and not ("auto" or "aac" or "alaw" or "mulaw"))
                {
                    r.AddError($"--audio-codec '{codec}' is not known: use auto, aac, alaw or mulaw.");
                }
            },
        },
    };

    public Option<FileInfo?> AudioFile { get; } = new("--audio")
    {
        Description = "Audio frames for a raw H.264/H.265 input (frames:DIR, file:*.h264): an ADTS file (.aac/.adts, split into access units), G.711 (.alaw/.mulaw, 8 kHz mono) or any audio file; stamped from the video's first frame by sample counts.",
    };

    public void AddTo(Command command)
    {
        command.Add(NoAudio);
        command.Add(Codec);
        command.Add(AudioFile);
    }

    /// <summary>What <see cref="MediaSource"/> does with a source's audio.</summary>
    public SourceAudio Selection(ParseResult result) => result.GetValue(NoAudio) ? SourceAudio.None : result.GetValue(Codec) switch
    {
        "aac" => SourceAudio.Aac,
        "alaw" => SourceAudio.ALaw,
        "mulaw" => SourceAudio.MuLaw,
        _ => SourceAudio.Auto,
    };

    /// <summary>
    /// The video source with the <c>--audio</c> file's frames merged in by time, or the video source
    /// alone; <paramref name="start"/> is where the video's first frame is stamped.
    /// </summary>
    public IFrameSource WithAudioFile(ParseResult result, IFrameSource video, TimeSpan start)
    {
        if (result.GetValue(AudioFile) is not { } file || result.GetValue(NoAudio))
        {
            return video;
        }

        if (!file.Exists)
        {
            throw new FileNotFoundException($"--audio {file.FullName} does not exist: give an ADTS (.aac/.adts), .alaw, .mulaw or other audio file.", file.FullName);
        }

        MediaSource audio = MediaSource.Open("file:" + file.FullName, new MediaSourceOptions { Audio = Selection(result), AudioOnly = true });
        return new AudioVideoSource(video, audio, start);
    }

    /// <summary>The refusal of <c>--audio</c> with a source that has its own audio track.</summary>
    public void RefuseAudioFile(ParseResult result, string source)
    {
        if (result.GetValue(AudioFile) is { } file)
        {
            throw new ArgumentException($"--audio {file.Name} adds audio to raw H.264/H.265 inputs (frames:DIR, file:*.h264); {source} is read through FFmpeg with its own audio: leave --audio out (or use --no-audio for video only).");
        }
    }
}

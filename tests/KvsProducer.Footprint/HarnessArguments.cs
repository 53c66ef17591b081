using System.Globalization;

namespace KvsProducer.Footprint;

/// <summary>The harness's options as <c>--name value</c> pairs, with the defaults of issue 14's measurement.</summary>
internal sealed record HarnessArguments
{
    public string? Endpoint { get; init; }
    public string? CaBundle { get; init; }
    public string? KvsCommand { get; init; }
    public string? ProducerCommand { get; init; }
    public string StreamName { get; init; } = "footprint";

    public int Runs { get; init; } = 3;

    /// <summary>ProducerOptions.StorageSize in MiB; 0 = the library default (128 MiB).</summary>
    public int StorageMegabytes { get; init; }
    public int Seconds { get; init; } = 60;
    public StreamingMode Mode { get; init; } = StreamingMode.Realtime;
    public long BitsPerSecond { get; init; } = 4_000_000;
    public string FramesDirectory { get; init; } = Path.Combine("tests", "data", "h264-640x480");

    public static HarnessArguments Parse(ReadOnlySpan<string> args)
    {
        var result = new HarnessArguments();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            result = args[i] switch
            {
                "--endpoint" => result with { Endpoint = value },
                "--ca" => result with { CaBundle = value },
                "--kvs" => result with { KvsCommand = value },
                "--producer" => result with { ProducerCommand = value },
                "--stream" => result with { StreamName = value },
                "--storage-mb" => result with { StorageMegabytes = int.Parse(value, CultureInfo.InvariantCulture) },
                "--runs" => result with { Runs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--seconds" => result with { Seconds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--mode" => result with { Mode = Enum.Parse<StreamingMode>(value, ignoreCase: true) },
                "--bitrate" => result with { BitsPerSecond = long.Parse(value, CultureInfo.InvariantCulture) },
                "--frames" => result with { FramesDirectory = value },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return result;
    }
}

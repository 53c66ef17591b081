using System.Text.Json.Serialization;

namespace KvsProducer.Cli;

/// <summary>What <c>kvs stream</c> / <c>kvs upload</c> did, as printed with <c>--json</c>.</summary>
internal sealed record StreamReport(
    string Stream,
    double ElapsedSeconds,
    long FramesPut,
    long FramesPersisted,
    long FramesDropped,
    long FramesSkipped,
    long FragmentsPersisted,
    double FrameRate,
    double KilobitsPerSecond,
    double BufferSeconds,
    double AckLatencyP50Milliseconds,
    double AckLatencyP99Milliseconds,
    long Reconnects,
    long ErrorAcks,
    double? Progress);

/// <summary>What <c>kvs package</c> wrote, as printed with <c>--json</c>.</summary>
internal sealed record PackageReport(string Output, long Frames, long Fragments, long FramesSkipped, string Codec, int Width, int Height, long Bytes);

[JsonSourceGenerationOptions(WriteIndented = false, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(StreamReport))]
[JsonSerializable(typeof(PackageReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

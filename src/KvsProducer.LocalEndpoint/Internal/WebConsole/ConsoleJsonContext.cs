using System.Text.Json.Serialization;

namespace KvsProducer.LocalEndpoint.Internal.WebConsole;

/// <summary>Source-generated JSON for the console resources (AOT-safe).</summary>
[JsonSerializable(typeof(List<ConsoleStream>))]
[JsonSerializable(typeof(ConsoleStreamDetails))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;

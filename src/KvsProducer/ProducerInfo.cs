using System.Reflection;

namespace KvsProducer;

/// <summary>Who we are, as written into MKV MuxingApp/WritingApp and the User-Agent.</summary>
internal static class ProducerInfo
{
    public static string Version { get; } =
        typeof(ProducerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static string Application { get; } = $"KvsProducer {Version}";
}

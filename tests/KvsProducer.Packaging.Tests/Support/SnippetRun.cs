namespace KvsProducer.Packaging.Tests.Support;

/// <summary>
/// How a README snippet is run: its command-line arguments, whether it needs a local endpoint in
/// another process (reached through AWS_ENDPOINT_URL, as the snippet's comment says), and when the
/// test presses Ctrl+C (null = the snippet ends by itself); the packages it needs besides KvsProducer's,
/// and files to put beside the built program (an appsettings.json the snippet reads).
/// </summary>
internal sealed record SnippetRun(string[] Arguments, bool NeedsEndpoint, TimeSpan? InterruptAfter)
{
    public IReadOnlyList<PackageReference> Packages { get; init; } = [];

    public IReadOnlyDictionary<string, string>? Files { get; init; }
}

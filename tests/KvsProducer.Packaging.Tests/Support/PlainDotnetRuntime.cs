using System.Runtime.InteropServices;

namespace KvsProducer.Packaging.Tests.Support;

/// <summary>
/// A .NET installation with Microsoft.NETCore.App alone — what a device gets from the Raspberry Pi guide's
/// <c>dotnet-install.sh --runtime dotnet</c> — made from the machine's own: the <c>dotnet</c> muxer, <c>host/</c>
/// and <c>shared/Microsoft.NETCore.App</c>, with <c>shared/Microsoft.AspNetCore.App</c> left out. Files are
/// hard links where the file system allows (else copies); never symbolic links, which the host resolves
/// back into the full installation.
/// </summary>
internal sealed class PlainDotnetRuntime
{
    private PlainDotnetRuntime(string root) => Root = root;

    /// <summary>The installation's root (DOTNET_ROOT).</summary>
    public string Root { get; }

    /// <summary>Its <c>dotnet</c> muxer.</summary>
    public string Dotnet => Path.Combine(Root, "dotnet");

    /// <summary>The environment that runs a program on it: its muxer and, for apphosts, DOTNET_ROOT.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["DOTNET_ROOT"] = Root, ["DOTNET_ROOT_X64"] = Root };

    public static async Task<PlainDotnetRuntime> CreateAsync(string directory, CancellationToken cancellationToken)
    {
        // The running runtime lives in <root>/shared/Microsoft.NETCore.App/<version>/.
        var installed = Directory.GetParent(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/'))!.Parent!.Parent!.FullName;
        var root = Path.Combine(directory, "dotnet-runtime-only");
        Directory.CreateDirectory(Path.Combine(root, "shared"));
        foreach (var (source, destination) in new[]
        {
            (Path.Combine(installed, "dotnet"), root),
            (Path.Combine(installed, "host"), root),
            (Path.Combine(installed, "shared", "Microsoft.NETCore.App"), Path.Combine(root, "shared")),
        })
        {
            var linked = await ProcessRunner.RunAsync("cp", ["-al", source, destination], directory, cancellationToken).ConfigureAwait(false);
            if (linked.ExitCode != 0)
            {
                await ProcessRunner.RunCheckedAsync("cp", ["-a", source, destination], directory, cancellationToken).ConfigureAwait(false);
            }
        }

        return new PlainDotnetRuntime(root);
    }
}

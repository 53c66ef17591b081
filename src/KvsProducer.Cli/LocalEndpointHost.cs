using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace KvsProducer.Cli;

/// <summary>
/// Whether this <c>kvs</c> can host the local endpoint (<c>kvs local</c>, <c>kvs demo</c>), which runs on
/// Kestrel, part of the ASP.NET Core shared framework — and the one line that says why not.
/// </summary>
/// <remarks>
/// <para><c>kvs</c> is framework-dependent on <c>Microsoft.NETCore.App</c> alone (the csproj sets
/// <c>DisableTransitiveFrameworkReferences</c>, so kvs.runtimeconfig.json does not name
/// <c>Microsoft.AspNetCore.App</c>): the host would otherwise refuse to start any verb on a device with the
/// plain runtime, the one the Raspberry Pi guide installs. The endpoint's ASP.NET Core assemblies are
/// then loaded on demand from the <c>shared/Microsoft.AspNetCore.App/&lt;version&gt;</c> folder next to the
/// running runtime, choosing as the host would: the same major.minor, the highest patch not newer than
/// the runtime (ASP.NET Core 10.0.N is built against Microsoft.NETCore.App 10.0.N).</para>
/// <para>The NativeAOT <c>kvs</c> is built for devices without the endpoint: the feature switch
/// <see cref="IsSupported"/> is false there and the trimmer removes everything the endpoint needs.</para>
/// </remarks>
internal static class LocalEndpointHost
{
    private const string FeatureSwitch = "KvsProducer.Cli.LocalEndpoint.IsSupported";
    private const string AspNetCore = "Microsoft.AspNetCore.App";
    private static readonly Lazy<string?> SharedFrameworkDirectory = new(FindAspNetCoreDirectory);
    private static int _resolverInstalled;

    /// <summary>False in the NativeAOT build (csproj: <c>RuntimeHostConfigurationOption</c> with <c>Trim="true"</c>).</summary>
    [FeatureSwitchDefinition(FeatureSwitch)]
    public static bool IsSupported => !AppContext.TryGetSwitch(FeatureSwitch, out bool enabled) || enabled;

    /// <summary>
    /// True when ASP.NET Core can be loaded: it is part of this process already (a test host, an app
    /// that references it), or an installed <c>Microsoft.AspNetCore.App</c> matching the runtime is found.
    /// </summary>
    public static bool IsAspNetCoreLoadable()
    {
        InstallAssemblyResolver();
        try
        {
            AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName("Microsoft.AspNetCore"));
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// From now on, an assembly the app does not carry is looked for in the installed ASP.NET Core shared
    /// framework (nothing changes when it is absent). Program.Main calls it first: besides the endpoint's
    /// assemblies, it serves a kvs.dll copied into another app's folder (a test project's output), where the
    /// Microsoft.Extensions.* packages were left out because that app's ASP.NET Core framework supplies them.
    /// </summary>
    public static void InstallAssemblyResolver()
    {
        if (IsSupported && Interlocked.Exchange(ref _resolverInstalled, 1) == 0)
        {
            AssemblyLoadContext.Default.Resolving += ResolveFromSharedFramework;
        }
    }

    /// <summary>Prints why <c>kvs <paramref name="verb"/></c> cannot run here (one line) and returns exit code 1.</summary>
    public static async Task<int> RefuseAsync(string verb)
    {
        await Console.Error.WriteLineAsync(WhyNot(verb)).ConfigureAwait(false);
        return ExitCodes.Failure;
    }

    /// <summary>The one-line reason: the NativeAOT build, or the missing framework with the command that installs it.</summary>
    public static string WhyNot(string verb)
    {
        if (!IsSupported)
        {
            return $"kvs {verb}: this NativeAOT kvs is built for devices and carries no local endpoint; run `kvs {verb}` from the dotnet tool (dotnet tool install -g KvsProducer.Cli) on a machine with the ASP.NET Core runtime.";
        }

        string runtime = $"{Environment.Version.Major}.{Environment.Version.Minor}";
        if (DotnetRoot() is not { } root)
        {
            // Self-contained: the runtime is in the app's own folder, and ASP.NET Core was not published with it.
            return $"kvs {verb}: this self-contained kvs carries no ASP.NET Core runtime ({AspNetCore} {runtime}), which the local endpoint needs; run `kvs {verb}` from the dotnet tool (dotnet tool install -g KvsProducer.Cli) on a machine with the ASP.NET Core runtime.";
        }

        return $"kvs {verb}: the local endpoint needs the ASP.NET Core runtime ({AspNetCore} {runtime}), which is not installed in {root}; install it with `sudo apt-get install -y aspnetcore-runtime-{runtime}` or `curl -sSL https://dot.net/v1/dotnet-install.sh | sudo bash -s -- --runtime aspnetcore --channel {runtime} --install-dir {root}` (the streaming verbs need only the .NET runtime).";
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Loading the framework's assemblies from disk only happens with IsSupported on; the trimmed (NativeAOT) kvs turns it off and never reaches this.")]
    private static Assembly? ResolveFromSharedFramework(AssemblyLoadContext context, AssemblyName name)
    {
        if (SharedFrameworkDirectory.Value is not { } directory || name.Name is null)
        {
            return null;
        }

        string path = Path.Combine(directory, name.Name + ".dll");
        return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }

    /// <summary>shared/Microsoft.AspNetCore.App/&lt;version&gt; beside the running runtime: same major.minor, highest patch not above the runtime's.</summary>
    private static string? FindAspNetCoreDirectory()
    {
        string? root = DotnetRoot();
        string versions = Path.Combine(root ?? string.Empty, "shared", AspNetCore);
        if (root is null || !Directory.Exists(versions))
        {
            return null;
        }

        Version runtime = Environment.Version;
        return Directory.EnumerateDirectories(versions)
            .Select(path => (Path: path, Version: Version.TryParse(Path.GetFileName(path), out Version? v) ? v : null))
            .Where(candidate => candidate.Version is { } v && v.Major == runtime.Major && v.Minor == runtime.Minor && v.Build <= runtime.Build)
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Path)
            .FirstOrDefault();
    }

    /// <summary>The .NET installation running us: the runtime lives in &lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/.</summary>
    private static string? DotnetRoot()
    {
        string runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar);
        DirectoryInfo? shared = Directory.GetParent(runtimeDirectory)?.Parent;
        return shared is { Name: "shared", Parent: { } root } ? root.FullName : null;
    }
}

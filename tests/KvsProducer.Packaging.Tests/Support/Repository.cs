using System.Xml.Linq;

namespace KvsProducer.Packaging.Tests.Support;

/// <summary>The checkout these tests run from: its root, the package version and the packed projects.</summary>
internal static class Repository
{
    /// <summary>The projects packed, tool last (its pack needs the libraries' outputs only).</summary>
    public static readonly string[] PackedProjects = ["KvsProducer", "KvsProducer.Media", "KvsProducer.LocalEndpoint", "KvsProducer.Cli"];

    /// <summary>The configuration this test assembly was built in: the solution build built ours in the same one.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public static string Root { get; } = FindRoot();

    /// <summary>Directory.Build.props: the one Version every package carries.</summary>
    public static string Version { get; } = XDocument.Load(Path.Combine(Root, "Directory.Build.props"))
        .Descendants("Version").Single().Value;

    public static string ProjectDirectory(string project) => Path.Combine(Root, "src", project);

    /// <summary>The built assembly of a packed project (kvs.dll for the tool).</summary>
    public static string BuiltAssembly(string project) =>
        Path.Combine(ProjectDirectory(project), "bin", Configuration, "net10.0", project == "KvsProducer.Cli" ? "kvs.dll" : project + ".dll");

    /// <summary>True when a project's assembly exists and no source or project file is newer.</summary>
    public static bool IsBuiltAndCurrent(string project)
    {
        var assembly = new FileInfo(BuiltAssembly(project));
        if (!assembly.Exists)
        {
            return false;
        }

        var newestInput = Directory.EnumerateFiles(ProjectDirectory(project), "*.*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
            .Append(Path.Combine(Root, "Directory.Build.props"))
            .Append(Path.Combine(Root, "Directory.Packages.props"))
            .Max(File.GetLastWriteTimeUtc);
        return assembly.LastWriteTimeUtc >= newestInput;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KvsProducer.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No KvsProducer.sln above {AppContext.BaseDirectory}: these tests pack the repository they were built from.");
    }
}

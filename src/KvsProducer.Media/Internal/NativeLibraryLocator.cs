using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace KvsProducer.Media.Internal;

/// <summary>
/// Loads the libkvsmedia build that fits the FFmpeg this system has. FFmpeg's sonames change with
/// every major (libavformat.so.59 in 5.1, .61 in 7.x), so one build per major ships side by side
/// (<see cref="NativeBuild.All"/>), next to the app or under <c>runtimes/&lt;rid&gt;/native</c> for
/// the processor we run on (a package serving several processors, like the <c>kvs</c> tool, has both
/// RIDs, which the default probing would not pick by processor). The first build whose sonames are
/// all present and which loads wins; when none does, <see cref="Failure"/> says what was looked for,
/// what was found and the apt command for this system.
/// </summary>
internal static class NativeLibraryLocator
{
    private static readonly Lock Gate = new();
    private static bool s_registered;
    private static volatile string? s_failure;

    /// <summary>Why the last resolution found no build; null when it found one (or none was attempted).</summary>
    public static string? Failure => s_failure;

    /// <summary>Installs the resolver once (a second registration for an assembly would throw).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (!s_registered)
            {
                NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLocator).Assembly, Resolve);
                s_registered = true;
            }
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != "kvsmedia" || !OperatingSystem.IsLinux())
        {
            return IntPtr.Zero; // the default probing
        }

        NativeLibraryChoice choice = Locate(SearchDirectories(), SonameIsPresent, NativeLibrary.Load, OsRelease.Read());
        s_failure = choice.Failure;
        return choice.Handle;
    }

    /// <summary>
    /// Tries every build in <see cref="NativeBuild.All"/> order: the first found in
    /// <paramref name="directories"/> whose sonames <paramref name="sonameIsPresent"/> all confirms and
    /// which <paramref name="load"/> loads is chosen.
    /// </summary>
    public static NativeLibraryChoice Locate(IReadOnlyList<string> directories, Func<string, bool> sonameIsPresent, Func<string, IntPtr> load, OsRelease system)
    {
        var report = new StringBuilder("No libkvsmedia build fits the FFmpeg on this system:");
        foreach (NativeBuild build in NativeBuild.All)
        {
            string? path = directories.Select(directory => Path.Combine(directory, build.FileName)).FirstOrDefault(File.Exists);
            report.Append(CultureInfo.InvariantCulture, $"\n  {build.FileName} ({build.Ffmpeg})");
            if (path is null)
            {
                report.Append(CultureInfo.InvariantCulture, $": not shipped (looked in {string.Join(", ", directories)})");
                continue;
            }

            string[] found = build.Sonames.Where(sonameIsPresent).ToArray();
            string[] missing = build.Sonames.Except(found).ToArray();
            report.Append(CultureInfo.InvariantCulture, $" in {Path.GetDirectoryName(path)}: looked for {string.Join(", ", build.Sonames)}; ");
            if (missing.Length > 0)
            {
                report.Append(found.Length == 0 ? "found none" : $"found {string.Join(", ", found)}; missing {string.Join(", ", missing)}");
                continue;
            }

            try
            {
                return new NativeLibraryChoice(load(path), build, path, null);
            }
            catch (DllNotFoundException e)
            {
                // Present sonames that still fail to load: an FFmpeg build with a different ABI, a newer glibc.
                report.Append(CultureInfo.InvariantCulture, $"found all, but loading {path} failed: {e.Message}");
            }
            catch (BadImageFormatException e)
            {
                report.Append(CultureInfo.InvariantCulture, $"found all, but {path} is not a library for this processor: {e.Message}");
            }
        }

        report.Append('\n').Append(FfmpegInstallAdvice.For(system));
        return new NativeLibraryChoice(IntPtr.Zero, null, null, report.ToString());
    }

    /// <summary>Where builds ship: runtimes/&lt;rid&gt;/native (a multi-RID package), the app's folder
    /// (a RID-specific publish), and the host's native search directories (deps.json assets).</summary>
    public static IReadOnlyList<string> SearchDirectories()
    {
        var directories = new List<string>();
        string? rid = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "linux-x64",
            Architecture.Arm64 => "linux-arm64",
            _ => null,
        };
        if (rid is not null)
        {
            directories.Add(Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native"));
        }

        directories.Add(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirectories)
        {
            directories.AddRange(searchDirectories.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => directory.TrimEnd(Path.DirectorySeparatorChar)));
        }

        return directories.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Whether the dynamic loader finds the soname where it would for libkvsmedia
    /// (LD_LIBRARY_PATH, ld.so.cache, the default directories). A found library stays loaded,
    /// as libkvsmedia would load it next anyway.</summary>
    internal static bool SonameIsPresent(string soname) => NativeLibrary.TryLoad(soname, out _);
}

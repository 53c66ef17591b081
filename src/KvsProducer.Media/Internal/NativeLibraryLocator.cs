using System.Reflection;
using System.Runtime.InteropServices;

namespace KvsProducer.Media.Internal;

/// <summary>
/// Finds libkvsmedia.so for the processor we run on. An app published for one RID gets the right
/// library next to it and needs none of this; a package that serves several processors at once (the
/// <c>kvs</c> dotnet tool carries linux-x64 and linux-arm64) ships them under
/// <c>runtimes/&lt;rid&gt;/native</c>, which the default probing would not pick by processor.
/// </summary>
internal static class NativeLibraryLocator
{
    private static readonly Lock Gate = new();
    private static bool s_registered;

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
        var rid = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "linux-x64",
            Architecture.Arm64 => "linux-arm64",
            _ => null,
        };
        if (libraryName != "kvsmedia" || rid is null || !OperatingSystem.IsLinux())
        {
            return IntPtr.Zero; // the default probing
        }

        var candidate = Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", "libkvsmedia.so");
        return File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle) ? handle : IntPtr.Zero;
    }
}

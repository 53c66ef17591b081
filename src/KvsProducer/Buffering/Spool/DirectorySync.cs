using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Buffering.Spool;

/// <summary>
/// Forces a directory's entries to the storage device (open / fsync / close), so a segment just created, a journal
/// just renamed or a directory just made survives a power cut (fsync(2): syncing a file does not sync the entry
/// naming it). .NET has no API for it; on Windows (whose NTFS journals metadata) it does nothing.
/// </summary>
internal static class DirectorySync
{
    /// <summary>Syncs <paramref name="directory"/>; a failure is logged, never thrown: the data itself is written, only its crash safety is weaker.</summary>
    public static void Sync(string directory, string stream, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string? failure;
        try
        {
            failure = TrySync(directory);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            failure = e.Message;
        }

        if (failure is not null)
        {
            SpoolLog.DirectorySyncFailed(logger, stream, directory, failure);
        }
    }

    /// <summary>Null when synced, else why not (errno).</summary>
    private static string? TrySync(string directory)
    {
        // A NUL-terminated UTF-8 path: passed as ref byte, so the call stays blittable (no marshalling stub, no unsafe code).
        var path = new byte[Encoding.UTF8.GetByteCount(directory) + 1];
        Encoding.UTF8.GetBytes(directory, path);
        int fd = Open(ref path[0], 0 /* O_RDONLY: a directory opens read-only; O_DIRECTORY's value differs by architecture */);
        if (fd < 0)
        {
            return $"open failed, errno {Marshal.GetLastPInvokeError()}";
        }

        try
        {
            return Fsync(fd) == 0 ? null : $"fsync failed, errno {Marshal.GetLastPInvokeError()}";
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // DllImport, not LibraryImport: the signatures are blittable (no marshalling code to generate) and the library
    // is built without unsafe code, which LibraryImport's generated stub needs (as SocketSendQueue).
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(ref byte path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}

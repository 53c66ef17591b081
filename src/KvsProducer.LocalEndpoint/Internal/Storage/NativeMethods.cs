using System.Runtime.InteropServices;

namespace KvsProducer.LocalEndpoint.Internal.Storage;

/// <summary>
/// libc calls .NET has no managed form of: fsync on a directory, so that a file created or
/// renamed into it survives a power loss, not only a kill -9.
/// </summary>
internal static partial class NativeMethods
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on Linux (x64 and arm64)

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>Flushes a directory's entries to disk; a no-op where the platform has no such call.</summary>
    public static void FsyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int fd = Open(path, ReadOnly | Directory);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{path}' to flush it to disk (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{path}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }
}

using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace KvsProducer.Service;

/// <summary>
/// How many bytes a TCP socket still holds that the peer has not acknowledged (Linux <c>ioctl(TIOCOUTQ)</c>, see
/// tcp(7) "SIOCOUTQ"): the data written but not yet across the link. The uploader uses it to tell a slow link (the
/// queue drains, acknowledgements are late because the data ahead is still on its way) from a stale connection.
/// </summary>
internal static class SocketSendQueue
{
    // tcp(7): SIOCOUTQ, the same request as TIOCOUTQ (asm-generic ioctls, x64 and arm64 alike).
    private const nuint Tiocoutq = 0x5411;

    /// <summary>Bytes not yet acknowledged by the peer, or null where the kernel cannot tell (not Linux, closed socket).</summary>
    public static long? Length(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return Ioctl(socket.SafeHandle.DangerousGetHandle(), Tiocoutq, out int queued) == 0 ? queued : null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    // DllImport, not LibraryImport: the signature is blittable (no marshalling code to generate) and the library
    // is built without unsafe code, which LibraryImport's generated stub needs.
    [DllImport("libc", EntryPoint = "ioctl")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Ioctl(nint fd, nuint request, out int value);
}

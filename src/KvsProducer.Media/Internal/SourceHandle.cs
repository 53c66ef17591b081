using System.Runtime.InteropServices;

namespace KvsProducer.Media.Internal;

/// <summary>Owns one <c>kvsmedia_source*</c>; closing it frees the demuxer, codecs and the lent packet.</summary>
internal sealed class SourceHandle : SafeHandle
{
    /// <summary>Called by the LibraryImport marshaller.</summary>
    public SourceHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == nint.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.Close(handle);
        return true;
    }
}

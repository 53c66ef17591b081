using System.Runtime.InteropServices;

namespace KvsProducer.Media.Internal;

/// <summary>Owns one <c>kvsmedia_image_decoder*</c> (native/include/kvsmedia_image.h).</summary>
internal sealed class ImageDecoderHandle : SafeHandle
{
    /// <summary>Called by the LibraryImport marshaller.</summary>
    public ImageDecoderHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == nint.Zero;

    protected override bool ReleaseHandle()
    {
        ImageNativeMethods.Close(handle);
        return true;
    }
}

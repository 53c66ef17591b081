using System.Runtime.InteropServices;

namespace KvsProducer.Media.Internal;

/// <summary>The image decoder functions of <c>libkvsmedia.so</c> (native/include/kvsmedia_image.h).</summary>
internal static unsafe partial class ImageNativeMethods
{
    private const string Library = "kvsmedia";

    [LibraryImport(Library, EntryPoint = "kvsmedia_image_decoder_open")]
    internal static partial NativeStatus Open(byte* avcc, int avccLength, out ImageDecoderHandle decoder);

    [LibraryImport(Library, EntryPoint = "kvsmedia_image_decoder_decode")]
    internal static partial NativeStatus Decode(ImageDecoderHandle decoder, byte* frame, int frameLength, int wantImage, int format, int width, int height, int quality, out byte* image, out int imageLength);

    [LibraryImport(Library, EntryPoint = "kvsmedia_image_decoder_close")]
    internal static partial void Close(nint decoder);
}

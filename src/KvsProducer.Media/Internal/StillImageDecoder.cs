namespace KvsProducer.Media.Internal;

/// <summary>
/// Decodes H.264 frames (AVCC, in decoding order from a key frame) and encodes chosen pictures
/// as JPEG or PNG through libkvsmedia (FFmpeg's h264 decoder, swscale, mjpeg/png encoders).
/// Used by the local endpoint's GetImages. Not thread-safe: one decoder per request.
/// </summary>
internal sealed unsafe class StillImageDecoder : IDisposable
{
    private readonly ImageDecoderHandle _handle;

    private StillImageDecoder(ImageDecoderHandle handle) => _handle = handle;

    /// <summary>Opens a decoder for the stream described by <paramref name="avcDecoderConfiguration"/> (Matroska CodecPrivate).</summary>
    public static StillImageDecoder Open(ReadOnlySpan<byte> avcDecoderConfiguration)
    {
        NativeLibraryLocator.Register();
        ImageDecoderHandle handle;
        NativeStatus status;
        fixed (byte* avcc = avcDecoderConfiguration)
        {
            status = ImageNativeMethods.Open(avcc, avcDecoderConfiguration.Length, out handle);
        }

        if (status != NativeStatus.Ok)
        {
            handle.Dispose();
            throw new InvalidDataException($"The H.264 decoder refused the codec private data ({status}): it is not a valid AVCDecoderConfigurationRecord.");
        }

        return new StillImageDecoder(handle);
    }

    /// <summary>
    /// Feeds one frame. With <paramref name="request"/> set, returns the encoded picture the
    /// decoder holds after it (null when the frame did not decode or no picture came out yet).
    /// </summary>
    public byte[]? Decode(ReadOnlySpan<byte> frame, StillImageRequest? request)
    {
        byte* image;
        int length;
        NativeStatus status;
        fixed (byte* data = frame)
        {
            status = request is { } r
                ? ImageNativeMethods.Decode(_handle, data, frame.Length, 1, r.Png ? 1 : 0, r.Width, r.Height, r.Quality, out image, out length)
                : ImageNativeMethods.Decode(_handle, data, frame.Length, 0, 0, 0, 0, 0, out image, out length);
        }

        return status == NativeStatus.Ok && image != null ? new ReadOnlySpan<byte>(image, length).ToArray() : null;
    }


    public void Dispose() => _handle.Dispose();
}

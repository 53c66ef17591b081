namespace KvsProducer.Media.Internal;

/// <summary>What <see cref="NativeLibraryLocator.Locate"/> decided: a loaded build, or why none fits.</summary>
/// <param name="Handle">The loaded library, or <see cref="IntPtr.Zero"/>.</param>
/// <param name="Build">The build loaded, or null.</param>
/// <param name="Path">The file loaded, or null.</param>
/// <param name="Failure">When nothing loaded: every build's sonames looked for and found, and the apt command for this system.</param>
internal sealed record NativeLibraryChoice(IntPtr Handle, NativeBuild? Build, string? Path, string? Failure);

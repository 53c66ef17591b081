namespace KvsProducer.LocalEndpoint.Internal.Storage;

/// <summary>Writes that survive a crash: temp file, fsync, rename, fsync of the directory.</summary>
internal static class DurableFile
{
    /// <summary>Replaces <paramref name="path"/> atomically: readers see the old or the new content, never a mix.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        NativeMethods.FsyncDirectory(directory);
    }
}

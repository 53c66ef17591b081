using System.Text;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Auth;

/// <summary>
/// Credentials from a file another process rotates, in the format of the KVS C/C++ producer SDKs'
/// file credential provider: <c>CREDENTIALS &lt;access key id&gt; [&lt;expiration&gt;]
/// &lt;secret access key&gt; [&lt;session token&gt;]</c>. The file is read again as soon as it changes
/// (checked at most every <see cref="FileCheckInterval"/>) and when the credentials come within
/// the refresh margin of their expiry.
/// </summary>
public sealed class CredentialsFileProvider : ICredentialsProvider, IDisposable
{
    /// <summary>Default time before expiry at which the file is read again: 5 minutes.</summary>
    public static readonly TimeSpan DefaultRefreshMargin = TimeSpan.FromMinutes(5);

    /// <summary>How often the file's size and modification time are compared with what was read.</summary>
    public static readonly TimeSpan FileCheckInterval = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly TimeProvider _timeProvider;
    private readonly CredentialsCache _cache;
    private FileStamp? _readStamp;
    private long _nextCheckTicks;

    /// <summary>Reads credentials from <paramref name="path"/>.</summary>
    /// <param name="path">The credentials file.</param>
    /// <param name="refreshMargin">How long before expiry to read the file again; <see cref="DefaultRefreshMargin"/> when null.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Logs re-reads and failed re-reads.</param>
    public CredentialsFileProvider(string path, TimeSpan? refreshMargin = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("The credentials file path is empty. Give the path of the file the credential rotation process writes.", nameof(path));
        }

        var margin = refreshMargin ?? DefaultRefreshMargin;
        if (margin < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(refreshMargin), margin, "The refresh margin must be zero or positive (default 5 minutes).");
        }

        _path = Path.GetFullPath(path);
        _timeProvider = timeProvider ?? TimeProvider.System;

        // No expiry: the file is re-read only when it changes.
        _cache = new CredentialsCache(ReadAsync, margin, null, $"the credentials file '{_path}'", _timeProvider, logger);
    }

    /// <inheritdoc />
    public ValueTask<KvsCredentials> GetCredentialsAsync(CancellationToken cancellationToken) =>
        _cache.GetAsync(forceRefresh: FileChanged(), cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();

    private bool FileChanged()
    {
        var now = _timeProvider.GetUtcNow().UtcTicks;
        var readStamp = Volatile.Read(ref _readStamp);
        if (readStamp is null || now < Interlocked.Read(ref _nextCheckTicks))
        {
            return false;
        }

        Interlocked.Exchange(ref _nextCheckTicks, now + FileCheckInterval.Ticks);
        return FileStamp.Of(_path) != readStamp;
    }

    private async Task<KvsCredentials> ReadAsync(CancellationToken cancellationToken)
    {
        var stamp = FileStamp.Of(_path);
        if (stamp.Length < 0)
        {
            throw new CredentialsException(
                CredentialsFailure.FileNotFound,
                $"The credentials file '{_path}' does not exist. Create it (or fix the path) with one line: CREDENTIALS <access key id> [<expiration>] <secret access key> [<session token>].");
        }

        if (stamp.Length > CredentialsFile.MaximumLength)
        {
            throw new CredentialsException(
                CredentialsFailure.InvalidFormat,
                $"The credentials file '{_path}' is {stamp.Length} bytes long; a credentials file is one short line (at most {CredentialsFile.MaximumLength} bytes). Check the path.");
        }

        string text;
        try
        {
            text = await File.ReadAllTextAsync(_path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CredentialsException(
                CredentialsFailure.FileNotFound,
                $"The credentials file '{_path}' cannot be read: {exception.Message} Check that it exists and that this process may read it.",
                innerException: exception);
        }

        var credentials = CredentialsFile.Parse(text, _path);
        Volatile.Write(ref _readStamp, stamp);
        Interlocked.Exchange(ref _nextCheckTicks, _timeProvider.GetUtcNow().UtcTicks + FileCheckInterval.Ticks);
        return credentials;
    }

    /// <summary>What tells that a rotating process rewrote the file; Length -1 when it does not exist.</summary>
    private sealed record FileStamp(long Length, DateTime LastWriteTimeUtc)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : new FileStamp(-1, default);
        }
    }
}

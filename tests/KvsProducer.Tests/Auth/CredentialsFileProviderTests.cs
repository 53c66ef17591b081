using KvsProducer.Auth;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Auth;

[Parallelizable(ParallelScope.All)]
public class CredentialsFileProviderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 16, 0, 0, TimeSpan.Zero);

    private sealed class TempFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"kvs-credentials-{Guid.NewGuid():N}");

        public void Write(string text) => File.WriteAllText(Path, text);

        public void Dispose() => File.Delete(Path);
    }

    [Test]
    public async Task Two_values_are_a_long_term_access_key_and_secret()
    {
        using var file = new TempFile();
        file.Write("CREDENTIALS AKIDEXAMPLE wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n");
        using var provider = new CredentialsFileProvider(file.Path, timeProvider: new FakeTimeProvider(Now));

        var credentials = await provider.GetCredentialsAsync(CancellationToken.None);

        Assert.That(credentials, Is.EqualTo(new KvsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")));
    }

    [Test]
    public async Task Four_values_carry_expiration_secret_and_session_token()
    {
        using var file = new TempFile();
        file.Write("CREDENTIALS ASIAEXAMPLE 2026-11-25T17:00:00Z secret-key session-token");
        using var provider = new CredentialsFileProvider(file.Path, timeProvider: new FakeTimeProvider(Now));

        var credentials = await provider.GetCredentialsAsync(CancellationToken.None);

        Assert.That(credentials, Is.EqualTo(new KvsCredentials("ASIAEXAMPLE", "secret-key", "session-token", new DateTimeOffset(2026, 11, 25, 17, 0, 0, TimeSpan.Zero))));
    }

    [Test]
    public async Task Three_values_are_expiration_and_secret_without_token_as_in_the_c_sdk()
    {
        using var file = new TempFile();
        file.Write("CREDENTIALS AKIDEXAMPLE 2026-11-25T17:00:00Z secret-key");
        using var provider = new CredentialsFileProvider(file.Path, timeProvider: new FakeTimeProvider(Now));

        var credentials = await provider.GetCredentialsAsync(CancellationToken.None);

        Assert.That(credentials.SecretAccessKey, Is.EqualTo("secret-key"));
        Assert.That(credentials.SessionToken, Is.Null);
        Assert.That(credentials.Expiration, Is.EqualTo(new DateTimeOffset(2026, 11, 25, 17, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public void Missing_file_is_reported_with_its_path_and_the_format_to_write()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kvs-no-such-credentials-{Guid.NewGuid():N}");
        using var provider = new CredentialsFileProvider(path);

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.FileNotFound));
        Assert.That(error.Message, Does.Contain(path).And.Contain("CREDENTIALS <access key id>"));
    }

    [Test]
    public void File_without_the_credentials_marker_is_a_format_error()
    {
        using var file = new TempFile();
        file.Write("[default]\naws_access_key_id = AKIDEXAMPLE\n");
        using var provider = new CredentialsFileProvider(file.Path);

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.InvalidFormat));
        Assert.That(error.Message, Does.Contain("starts with '[default]' instead of 'CREDENTIALS'"));
    }

    [Test]
    public void Unreadable_expiration_is_a_format_error_that_names_it()
    {
        using var file = new TempFile();
        file.Write("CREDENTIALS ASIAEXAMPLE tomorrow secret-key session-token");
        using var provider = new CredentialsFileProvider(file.Path);

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.InvalidFormat));
        Assert.That(error.Message, Does.Contain("the expiration 'tomorrow' is not an ISO 8601 UTC time"));
    }

    [Test]
    public void Too_many_values_are_a_format_error()
    {
        using var file = new TempFile();
        file.Write("CREDENTIALS a 2026-11-25T17:00:00Z b c d");
        using var provider = new CredentialsFileProvider(file.Path);

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("it has 5 value(s) after 'CREDENTIALS' where 2 to 4 are expected"));
    }

    [Test]
    public void Expired_credentials_in_the_file_are_reported_as_expired()
    {
        using var file = new TempFile();
        file.Write("CREDENTIALS ASIAEXAMPLE 2026-11-25T15:59:59Z secret-key session-token");
        using var provider = new CredentialsFileProvider(file.Path, timeProvider: new FakeTimeProvider(Now));

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.Expired));
        Assert.That(error.Message, Does.Contain("expired at 2026-11-25T15:59:59").And.Contain(file.Path));
    }

    [Test]
    public async Task Rewritten_file_is_read_again_within_the_check_interval()
    {
        using var file = new TempFile();
        file.Write("CREDENTIALS AKIDFIRST first-secret");
        var time = new FakeTimeProvider(Now);
        using var provider = new CredentialsFileProvider(file.Path, timeProvider: time);
        Assert.That((await provider.GetCredentialsAsync(CancellationToken.None)).AccessKeyId, Is.EqualTo("AKIDFIRST"));

        file.Write("CREDENTIALS AKIDROTATED rotated-secret-longer");
        time.Advance(CredentialsFileProvider.FileCheckInterval);

        Assert.That((await provider.GetCredentialsAsync(CancellationToken.None)).AccessKeyId, Is.EqualTo("AKIDROTATED"));
    }

    [Test]
    public async Task Unchanged_file_is_read_again_only_when_the_credentials_near_expiry()
    {
        using var file = new TempFile();
        file.Write("CREDENTIALS ASIAFIRST 2026-11-25T16:10:00Z secret-key token-1");
        var stamp = File.GetLastWriteTimeUtc(file.Path);
        var time = new FakeTimeProvider(Now);
        using var provider = new CredentialsFileProvider(file.Path, TimeSpan.FromMinutes(5), time);
        await provider.GetCredentialsAsync(CancellationToken.None);

        // Same length and modification time: only the approaching expiry can make the provider look.
        file.Write("CREDENTIALS ASIASECND 2026-11-25T17:10:00Z secret-key token-2");
        File.SetLastWriteTimeUtc(file.Path, stamp);
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.That((await provider.GetCredentialsAsync(CancellationToken.None)).AccessKeyId, Is.EqualTo("ASIAFIRST"));

        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.That((await provider.GetCredentialsAsync(CancellationToken.None)).AccessKeyId, Is.EqualTo("ASIASECND"));
    }

    [Test]
    public async Task Deleted_file_keeps_still_valid_credentials_in_use()
    {
        using var file = new TempFile();
        file.Write("CREDENTIALS ASIAEXAMPLE 2026-11-25T17:00:00Z secret-key token");
        var time = new FakeTimeProvider(Now);
        using var provider = new CredentialsFileProvider(file.Path, timeProvider: time);
        var first = await provider.GetCredentialsAsync(CancellationToken.None);

        File.Delete(file.Path);
        time.Advance(TimeSpan.FromMinutes(10));

        Assert.That(await provider.GetCredentialsAsync(CancellationToken.None), Is.SameAs(first));
    }

    [Test]
    public async Task Deleted_file_after_expiry_is_reported_as_missing()
    {
        using var file = new TempFile();
        file.Write("CREDENTIALS ASIAEXAMPLE 2026-11-25T17:00:00Z secret-key token");
        var time = new FakeTimeProvider(Now);
        using var provider = new CredentialsFileProvider(file.Path, timeProvider: time);
        await provider.GetCredentialsAsync(CancellationToken.None);

        File.Delete(file.Path);
        time.Advance(TimeSpan.FromHours(1));

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));
        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.FileNotFound));
    }
}

using KvsProducer.Auth;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Auth;

[NonParallelizable]
public class IotCredentialsProviderTests
{
    private TestPki _pki = null!;
    private IotCredentialsStandIn _standIn = null!;

    [OneTimeSetUp]
    public async Task StartStandIn()
    {
        _pki = new TestPki();
        _standIn = await IotCredentialsStandIn.StartAsync(_pki);
    }

    [OneTimeTearDown]
    public async Task StopStandIn()
    {
        await _standIn.DisposeAsync();
        _pki.Dispose();
    }

    [SetUp]
    public void ResetExpiration() => _standIn.Expiration = () => DateTimeOffset.UtcNow.AddHours(1);

    private IotCredentialsOptions Options() => new()
    {
        Endpoint = _standIn.Endpoint,
        RoleAlias = IotCredentialsStandIn.RoleAlias,
        ThingName = IotCredentialsStandIn.ThingName,
        CertificatePath = _pki.DeviceCertificatePath,
        PrivateKeyPath = _pki.DeviceKeyPath,
        CaCertificatePath = _pki.CaPath,
    };

    [Test]
    public async Task Device_certificate_and_thing_name_get_the_endpoints_credentials()
    {
        var expiration = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        _standIn.Expiration = () => expiration;
        var before = _standIn.Requests;
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 2, 0, 0, TimeSpan.Zero));
        using var provider = new IotCredentialsProvider(Options(), time);

        var credentials = await provider.GetCredentialsAsync(CancellationToken.None);

        Assert.That(credentials.AccessKeyId, Is.EqualTo($"ASIAIOTSTANDIN{before + 1}"));
        Assert.That(credentials.SecretAccessKey, Is.EqualTo($"iot-secret-{before + 1}"));
        Assert.That(credentials.SessionToken, Is.EqualTo($"iot-session-token-{before + 1}"));
        Assert.That(credentials.Expiration, Is.EqualTo(expiration));
    }

    [Test]
    public async Task Credentials_are_served_from_cache_until_the_refresh_margin_then_fetched_again()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _standIn.Expiration = () => time.GetUtcNow().AddHours(1);
        using var provider = new IotCredentialsProvider(Options() with { RefreshMargin = TimeSpan.FromMinutes(5) }, time);
        var before = _standIn.Requests;

        var first = await provider.GetCredentialsAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(54));
        var cached = await provider.GetCredentialsAsync(CancellationToken.None);
        Assert.That(cached, Is.SameAs(first));
        Assert.That(_standIn.Requests, Is.EqualTo(before + 1));

        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var refreshed = await provider.GetCredentialsAsync(CancellationToken.None);

        Assert.That(refreshed.AccessKeyId, Is.Not.EqualTo(first.AccessKeyId));
        Assert.That(refreshed.Expiration, Is.EqualTo(time.GetUtcNow().AddHours(1)).Within(TimeSpan.FromSeconds(1)));
        Assert.That(_standIn.Requests, Is.EqualTo(before + 2));
    }

    [Test]
    public void Certificate_from_an_unknown_ca_is_refused_during_the_tls_handshake()
    {
        var before = _standIn.Requests;
        using var provider = new IotCredentialsProvider(Options() with { CertificatePath = _pki.StrangerCertificatePath, PrivateKeyPath = _pki.StrangerKeyPath });

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.Unreachable));
        Assert.That(error.Message, Does.Contain(_standIn.Endpoint).And.Contain("device certificate"));
        Assert.That(_standIn.Requests, Is.EqualTo(before));
    }

    [Test]
    public void Wrong_thing_name_reports_403_with_the_service_message_and_what_to_check()
    {
        using var provider = new IotCredentialsProvider(Options() with { ThingName = "someone-elses-thing" });

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.Refused));
        Assert.That(error.HttpStatusCode, Is.EqualTo(403));
        Assert.That(error.Message, Does.Contain("\"Access Denied\"").And.Contain("attached to the thing 'someone-elses-thing'").And.Contain("iot:AssumeRoleWithCertificate"));
    }

    [Test]
    public void Unknown_role_alias_reports_404_and_names_the_alias()
    {
        using var provider = new IotCredentialsProvider(Options() with { RoleAlias = "no-such-alias" });

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));

        Assert.That(error!.HttpStatusCode, Is.EqualTo(404));
        Assert.That(error.Message, Does.Contain("Role alias does not exist").And.Contain("'no-such-alias' exists"));
    }

    [Test]
    public void Endpoint_certificate_not_signed_by_the_ca_bundle_fails_the_handshake()
    {
        // The stand-in's certificate is issued by the test CA; the device's own certificate file
        // as the only trusted root cannot validate it.
        using var provider = new IotCredentialsProvider(Options() with { CaCertificatePath = _pki.StrangerCertificatePath });

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.Unreachable));
        Assert.That(error.Message, Does.Contain("TLS handshake failed"));
    }

    [Test]
    public void Already_expired_credentials_from_the_endpoint_are_reported_as_expired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _standIn.Expiration = () => time.GetUtcNow().AddMinutes(-1);
        using var provider = new IotCredentialsProvider(Options(), time);

        var error = Assert.ThrowsAsync<CredentialsException>(async () => await provider.GetCredentialsAsync(CancellationToken.None));

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.Expired));
        Assert.That(error.Message, Does.Contain("device clock"));
    }

    [Test]
    public void Missing_private_key_file_is_reported_when_the_provider_is_built()
    {
        var missing = Path.Combine(_pki.Directory, "missing.key");

        var error = Assert.Throws<CredentialsException>(() => new IotCredentialsProvider(Options() with { PrivateKeyPath = missing }).Dispose());

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.FileNotFound));
        Assert.That(error.Message, Does.Contain(missing).And.Contain("PrivateKeyPath"));
    }

    [Test]
    public void Key_that_does_not_match_the_certificate_is_reported_as_invalid_format()
    {
        var error = Assert.Throws<CredentialsException>(() => new IotCredentialsProvider(Options() with { PrivateKeyPath = _pki.StrangerKeyPath }).Dispose());

        Assert.That(error!.Failure, Is.EqualTo(CredentialsFailure.InvalidFormat));
        Assert.That(error.Message, Does.Contain("matching unencrypted PEM private key"));
    }

    [Test]
    public void Missing_thing_name_is_rejected_naming_the_option()
    {
        var error = Assert.Throws<ArgumentException>(() => (Options() with { ThingName = " " }).Validate());

        Assert.That(error!.Message, Does.StartWith("IotCredentialsOptions.ThingName is empty"));
    }

    [Test]
    public void Endpoint_with_a_path_is_rejected_naming_the_option()
    {
        var error = Assert.Throws<ArgumentException>(() => (Options() with { Endpoint = "https://example.com/role-aliases" }).Validate());

        Assert.That(error!.Message, Does.Contain("IotCredentialsOptions.Endpoint 'https://example.com/role-aliases'"));
    }

    [Test]
    public void Credentials_url_escapes_the_role_alias_and_accepts_a_bare_host()
    {
        var options = Options() with { Endpoint = "abcd.credentials.iot.eu-west-1.amazonaws.com", RoleAlias = "alias with space" };

        Assert.That(options.CredentialsUri().AbsoluteUri, Is.EqualTo("https://abcd.credentials.iot.eu-west-1.amazonaws.com/role-aliases/alias%20with%20space/credentials"));
    }
}

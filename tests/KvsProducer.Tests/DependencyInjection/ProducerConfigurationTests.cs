using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KvsProducer.Auth;
using Microsoft.Extensions.Configuration;

namespace KvsProducer.Tests.DependencyInjection;

/// <summary><see cref="KinesisVideoConfigurationExtensions.GetProducerOptions"/>: keys, credentials sources and the errors for bad values.</summary>
public class ProducerConfigurationTests
{
    internal static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Kvs:Producer:" + v.Key, v.Value)))
            .Build()
            .GetSection("Kvs:Producer");

    [Test]
    public void Every_plain_option_is_read_from_its_key()
    {
        var options = Section(("Region", "eu-west-1"), ("ServiceUrl", "http://127.0.0.1:4566"), ("StorageSize", "67108864"),
            ("ConnectTimeout", "00:00:03"), ("UseHttp2", "true"), ("UserAgentSuffix", "door-cam")).GetProducerOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.Region, Is.EqualTo("eu-west-1"));
            Assert.That(options.ServiceUrl, Is.EqualTo(new Uri("http://127.0.0.1:4566")));
            Assert.That(options.StorageSize, Is.EqualTo(64L * 1024 * 1024));
            Assert.That(options.ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(options.UseHttp2, Is.True);
            Assert.That(options.UserAgentSuffix, Is.EqualTo("door-cam"));
        });
    }

    [Test]
    public void Absent_keys_keep_the_defaults_and_the_aws_default_chain()
    {
        var options = Section(("Region", "eu-west-1")).GetProducerOptions();

        Assert.That(options with { Region = null }, Is.EqualTo(new ProducerOptions()));
    }

    [Test]
    public async Task Access_and_secret_keys_make_static_credentials()
    {
        var options = Section(("Region", "eu-west-1"), ("AccessKey", "AKIDEXAMPLE"), ("SecretKey", "secret"), ("SessionToken", "token")).GetProducerOptions();

        Assert.That(options.Credentials, Is.InstanceOf<StaticCredentialsProvider>());
        var credentials = await options.Credentials!.GetCredentialsAsync(CancellationToken.None);
        Assert.That((credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken), Is.EqualTo(("AKIDEXAMPLE", "secret", "token")));
    }

    [Test]
    public async Task A_credentials_file_key_reads_credentials_from_that_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "CREDENTIALS AKIDFROMFILE secret-from-file");
            var options = Section(("Region", "eu-west-1"), ("CredentialsFile", path)).GetProducerOptions();

            Assert.That(options.Credentials, Is.InstanceOf<CredentialsFileProvider>());
            var credentials = await options.Credentials!.GetCredentialsAsync(CancellationToken.None);
            Assert.That(credentials.AccessKeyId, Is.EqualTo("AKIDFROMFILE"));
            ((IDisposable)options.Credentials).Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void An_iot_section_makes_iot_credentials_from_the_device_certificate()
    {
        var directory = Directory.CreateTempSubdirectory("kvs-iot-").FullName;
        try
        {
            using var key = RSA.Create(2048);
            using var certificate = new CertificateRequest("CN=door-cam", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(Path.Combine(directory, "cert.pem"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());

            var options = Section(("Region", "eu-west-1"), ("Iot:Endpoint", "c1234.credentials.iot.eu-west-1.amazonaws.com"), ("Iot:RoleAlias", "kvs-role"),
                ("Iot:ThingName", "door-cam"), ("Iot:CertificatePath", Path.Combine(directory, "cert.pem")), ("Iot:PrivateKeyPath", Path.Combine(directory, "key.pem")),
                ("Iot:RequestTimeout", "3s")).GetProducerOptions();

            Assert.That(options.Credentials, Is.InstanceOf<IotCredentialsProvider>());
            ((IDisposable)options.Credentials!).Dispose();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void An_iot_section_without_a_role_alias_says_which_key_is_missing()
    {
        var section = Section(("Region", "eu-west-1"), ("Iot:Endpoint", "c1234.credentials.iot.eu-west-1.amazonaws.com"), ("Iot:ThingName", "door-cam"),
            ("Iot:CertificatePath", "/etc/kvs/cert.pem"), ("Iot:PrivateKeyPath", "/etc/kvs/key.pem"));

        Assert.That(() => section.GetProducerOptions(), Throws.ArgumentException.With.Message.Contains("RoleAlias"));
    }

    [Test]
    public void Two_credentials_sources_are_refused()
    {
        var section = Section(("Region", "eu-west-1"), ("AccessKey", "AKIDEXAMPLE"), ("SecretKey", "secret"), ("CredentialsFile", "/etc/kvs/credentials"));

        Assert.That(() => section.GetProducerOptions(),
            Throws.InvalidOperationException.With.Message.Contains("Kvs:Producer").And.Message.Contains("more than one credentials source"));
    }

    [Test]
    public void An_access_key_without_a_secret_key_names_the_missing_key()
    {
        var section = Section(("Region", "eu-west-1"), ("AccessKey", "AKIDEXAMPLE"));

        Assert.That(() => section.GetProducerOptions(), Throws.InvalidOperationException.With.Message.Contains("'Kvs:Producer:SecretKey' is missing"));
    }

    [Test]
    public void A_misspelt_key_is_refused_with_its_path_and_the_known_keys()
    {
        var section = Section(("Regoin", "eu-west-1"));

        Assert.That(() => section.GetProducerOptions(),
            Throws.InvalidOperationException.With.Message.Contains("'Kvs:Producer:Regoin'").And.Message.Contains("Region"));
    }

    [TestCase("ConnectTimeout", "five seconds", "duration")]
    [TestCase("StorageSize", "64MB", "whole number")]
    [TestCase("ServiceUrl", "127.0.0.1:4566", "absolute URL")]
    public void A_malformed_value_names_its_key_value_and_form(string key, string value, string expected)
    {
        var section = Section(("Region", "eu-west-1"), (key, value));

        Assert.That(() => section.GetProducerOptions(),
            Throws.InvalidOperationException.With.Message.Contains($"'{value}' at 'Kvs:Producer:{key}'").And.Message.Contains(expected));
    }

    [Test]
    public void An_out_of_range_value_fails_validation_with_the_allowed_range()
    {
        var section = Section(("Region", "eu-west-1"), ("StorageSize", "1000"));

        Assert.That(() => section.GetProducerOptions(), Throws.ArgumentException.With.Message.Contains("1 MiB to 10 GiB"));
    }
}

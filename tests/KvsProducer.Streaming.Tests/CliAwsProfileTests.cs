using System.Text.Json;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// AWS CLI habits: <c>--profile</c> credentials and region from ~/.aws files (read by AWSSDK.Core),
/// AWS_ENDPOINT_URL_KINESIS_VIDEO, and signed read-back, against a local endpoint that checks SigV4.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class CliAwsProfileTests
{
    private const string AccessKey = "AKIDPROFILETEST";
    private const string SecretKey = "profile-secret";

    [Test, CancelAfter(90_000)]
    public async Task Kvs_profile_streams_and_lists_fragments_on_a_signature_checking_endpoint()
    {
        await using var local = await LocalKvsFixture.StartAsync(o => o with { AccessKey = AccessKey, SecretKey = SecretKey, Region = "eu-west-1" }); // the profile's region: the endpoint checks the credential scope
        using var home = AwsHome.Create(AccessKey, SecretKey, region: "eu-west-1");

        var streamed = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(),
            "--profile", "p", "stream", "-s", "testsrc:?size=320x240&rate=25", "--duration", "2s", "-n", "s", "--create", "--fragment-duration", "1s",
            "--endpoint-url", local.Kvs.Url.ToString());
        Assert.That(streamed.ExitCode, Is.Zero, streamed.Stderr);

        var listed = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string> { ["AWS_ENDPOINT_URL_KINESIS_VIDEO"] = local.Kvs.Url.ToString() },
            "--profile", "p", "fragments", "-n", "s", "--json");
        Assert.That(listed.ExitCode, Is.Zero, listed.Stderr);
        using var fragments = JsonDocument.Parse(listed.Stdout);
        Assert.That(fragments.RootElement.GetArrayLength(), Is.EqualTo(2), listed.Stdout);
    }

    [Test, CancelAfter(60_000)]
    public async Task Kvs_profile_with_wrong_keys_fails_with_one_line_and_exit_code_1()
    {
        await using var local = await LocalKvsFixture.StartAsync(o => o with { AccessKey = AccessKey, SecretKey = SecretKey, Region = "eu-west-1" }); // the profile's region: the endpoint checks the credential scope
        using var home = AwsHome.Create(AccessKey, "not-the-secret", region: "eu-west-1");

        var listed = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(),
            "--profile", "p", "fragments", "-n", "s", "--endpoint-url", local.Kvs.Url.ToString());

        Assert.That(listed.ExitCode, Is.EqualTo(1));
        Assert.That(listed.Stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1), listed.Stderr);
        Assert.That(listed.Stderr, Does.Contain("SignatureDoesNotMatch").Or.Contain("403"));
    }

    [Test, CancelAfter(60_000)]
    public async Task Kvs_with_an_unknown_profile_names_it_and_exits_1()
    {
        using var home = AwsHome.Create(AccessKey, SecretKey, region: "eu-west-1");

        var listed = await KvsProcess.RunAsync(home.Path, new Dictionary<string, string>(), "--profile", "nope", "fragments", "-n", "s", "--endpoint-url", "http://127.0.0.1:9");

        Assert.That(listed.ExitCode, Is.EqualTo(1));
        Assert.That(listed.Stderr, Does.Contain("--profile 'nope'"));
    }

    /// <summary>A temporary HOME with ~/.aws/credentials and ~/.aws/config for profile <c>p</c>.</summary>
    private sealed class AwsHome : IDisposable
    {
        private AwsHome(string path) => Path = path;

        public string Path { get; }

        public static AwsHome Create(string accessKey, string secretKey, string region)
        {
            var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kvs-home-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(System.IO.Path.Combine(path, ".aws"));
            File.WriteAllText(System.IO.Path.Combine(path, ".aws", "credentials"), $"[p]\naws_access_key_id = {accessKey}\naws_secret_access_key = {secretKey}\n");
            File.WriteAllText(System.IO.Path.Combine(path, ".aws", "config"), $"[profile p]\nregion = {region}\n");
            return new AwsHome(path);
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

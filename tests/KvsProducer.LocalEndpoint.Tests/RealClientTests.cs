using System.Text.Json;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>
/// Issue 10 §4: clients nobody here wrote — boto3 and awscli (Debian packages) and the AWS SDK for
/// JavaScript v3 (npm, tests/clients/js) — run every implemented operation of the kinesisvideo,
/// kinesis-video-media and kinesis-video-archived-media models against a signature-checking
/// endpoint, and see the modeled exception names (never UnknownError) with human messages.
/// One process per client runs a scripted sequence (tests/clients/*) and reports each step.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RealClientTests
{
    private const string AccessKey = "AKIDCLIENTS";
    private const string SecretKey = "clients-secret";

    // Step -> modeled error (null: success) for the steps both scripts run.
    private static readonly Dictionary<string, string?> Common = new()
    {
        ["CreateStream"] = null,
        ["DescribeStream"] = null,
        ["ListStreams"] = null,
        ["GetDataEndpoint"] = null,
        ["TagStream"] = null,
        ["ListTagsForStream"] = null,
        ["UntagStream"] = null,
        ["TagResource"] = null,
        ["ListTagsForResource"] = null,
        ["UntagResource"] = null,
        ["UpdateStream"] = null,
        ["UpdateDataRetention"] = null,
        ["DescribeImageGenerationConfiguration"] = null,
        ["DescribeNotificationConfiguration"] = null,
        ["ListSignalingChannels"] = null,
        ["CreateSignalingChannel"] = "AccessDeniedException",
        ["DescribeSignalingChannel"] = "ResourceNotFoundException",
        ["UpdateImageGenerationConfiguration"] = "AccessDeniedException",
        ["ListFragments"] = null,
        ["GetMediaForFragmentList.unknown"] = "ResourceNotFoundException",
        ["GetMedia"] = null,
        ["GetMedia.AfterFragmentNumber=abc"] = "InvalidArgumentException",
        ["TagStream.badKey"] = "InvalidArgumentException",
        ["ListStreams.MaxResults=2^40"] = "InvalidArgumentException",
        ["DescribeStream.missing"] = "ResourceNotFoundException",
        ["CreateStream.duplicate"] = "ResourceInUseException",
        ["UpdateDataRetention.staleVersion"] = "VersionMismatchException",
        ["DescribeStream.wrongRegion"] = "InvalidSignatureException",
        ["DeleteStream"] = null,
        ["DescribeStream.deleted"] = "ResourceNotFoundException",
    };

    // Operations newer than Debian's botocore (awscli 2.9): only the JS SDK has them.
    private static readonly Dictionary<string, string?> JsOnly = new()
    {
        ["DescribeMappedResourceConfiguration"] = null,
        ["DescribeEdgeConfiguration"] = "StreamEdgeConfigurationNotFoundException",
        ["ListEdgeAgentConfigurations"] = null,
        ["DescribeMediaStorageConfiguration"] = "ResourceNotFoundException",
        ["DescribeStreamStorageConfiguration"] = null,
        ["UpdateStreamStorageConfiguration"] = null,
    };

    private static Dictionary<string, string> Environment => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_DEFAULT_REGION"] = "us-west-2",
        ["AWS_REGION"] = "us-west-2",
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    [Test]
    public async Task Boto3_runs_every_operation_and_sees_the_modeled_errors()
    {
        await using LocalKvs kvs = await StartAsync();
        ExternalProcess run = await ExternalProcess.RunAsync("/usr/bin/python3", [Client("python", "every_operation.py"), kvs.Url.ToString(), "boto3-stream"], TimeSpan.FromSeconds(90), Environment);

        AssertOutcomes(run, Common);
    }

    [Test]
    public async Task The_javascript_sdk_runs_every_operation_and_sees_the_modeled_exception_names()
    {
        string folder = Path.Combine(RecordedMkv.RepositoryRoot(), "tests", "clients", "js");
        Assert.That(Directory.Exists(Path.Combine(folder, "node_modules", "@aws-sdk", "client-kinesis-video")), Is.True, "run `npm ci` in tests/clients/js (build.cake does it)");
        await using LocalKvs kvs = await StartAsync();
        ExternalProcess run = await ExternalProcess.RunAsync("node", [Path.Combine(folder, "client.mjs"), kvs.Url.ToString(), "js-stream"], TimeSpan.FromSeconds(90), Environment, folder);

        AssertOutcomes(run, Common.Concat(JsOnly).ToDictionary());
    }

    [Test]
    public async Task Awscli_creates_lists_describes_and_reports_a_missing_stream_by_its_modeled_name()
    {
        await using LocalKvs kvs = await StartAsync();
        string url = kvs.Url.ToString();

        ExternalProcess create = await AwsAsync(["kinesisvideo", "create-stream", "--stream-name", "cli-stream", "--data-retention-in-hours", "1", "--endpoint-url", url]);
        ExternalProcess list = await AwsAsync(["kinesisvideo", "list-streams", "--endpoint-url", url]);
        ExternalProcess missing = await AwsAsync(["kinesisvideo", "describe-stream", "--stream-name", "no-such-stream", "--endpoint-url", url]);
        ExternalProcess channel = await AwsAsync(["kinesisvideo", "create-signaling-channel", "--channel-name", "c", "--endpoint-url", url]);

        Assert.That(create.ExitCode, Is.EqualTo(0), create.Stderr);
        Assert.That(create.Stdout, Does.Contain("arn:aws:kinesisvideo:us-west-2:"));
        Assert.That(list.Stdout, Does.Contain("\"StreamName\": \"cli-stream\""), list.Stderr);
        Assert.That(missing.ExitCode, Is.Not.EqualTo(0));
        Assert.That(missing.Stderr, Does.Contain("(ResourceNotFoundException)").And.Contain("not found"));
        Assert.That(channel.Stderr, Does.Contain("(AccessDeniedException)").And.Contain("WebRTC"));
    }

    private static Task<ExternalProcess> AwsAsync(string[] arguments) =>
        ExternalProcess.RunAsync("/usr/bin/aws", [.. arguments, "--output", "json", "--no-cli-pager"], TimeSpan.FromSeconds(60), Environment);

    private static Task<LocalKvs> StartAsync() =>
        LocalKvs.StartAsync(new LocalKvsOptions { AccessKey = AccessKey, SecretKey = SecretKey, Region = "us-west-2", LoggerFactory = TestLog.Factory });

    private static string Client(string language, string script) => Path.Combine(RecordedMkv.RepositoryRoot(), "tests", "clients", language, script);

    private static void AssertOutcomes(ExternalProcess run, Dictionary<string, string?> expected)
    {
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        TestContext.Out.WriteLine(run.Stdout);
        using JsonDocument report = JsonDocument.Parse(run.Stdout);
        JsonElement steps = report.RootElement;
        Assert.Multiple(() =>
        {
            foreach ((string step, string? error) in expected)
            {
                Assert.That(steps.TryGetProperty(step, out JsonElement outcome), Is.True, $"{step} did not run");
                if (!steps.TryGetProperty(step, out outcome))
                {
                    continue;
                }

                JsonElement actual = outcome.GetProperty("error");
                string? message = outcome.TryGetProperty("message", out JsonElement m) ? m.GetString() : null;
                Assert.That(actual.ValueKind == JsonValueKind.Null ? null : actual.GetString(), Is.EqualTo(error), $"{step}: {message}");
                if (error is not null)
                {
                    Assert.That(message, Is.Not.Null.And.Not.Empty.And.Not.Contain("System."), $"{step} has no human message");
                }
            }

            Assert.That(steps.GetProperty("DescribeStream").GetProperty("check").GetString(), Is.EqualTo("ACTIVE"));
            Assert.That(steps.GetProperty("ListTagsForStream").GetProperty("check").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "site", "team" }));
            Assert.That(steps.GetProperty("ListTagsForResource").GetProperty("check").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "k", "team" }));
            Assert.That(steps.GetProperty("GetMedia").GetProperty("check").GetString(), Is.EqualTo("video/webm"));
        });
    }
}

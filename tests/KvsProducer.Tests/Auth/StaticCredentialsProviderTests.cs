using KvsProducer.Auth;

namespace KvsProducer.Tests.Auth;

public class StaticCredentialsProviderTests
{
    [Test]
    public async Task Gives_the_same_keys_on_every_call()
    {
        var provider = new StaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token");

        var first = await provider.GetCredentialsAsync(CancellationToken.None);
        var second = await provider.GetCredentialsAsync(CancellationToken.None);

        Assert.That(first, Is.EqualTo(new KvsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token")));
        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void Empty_access_key_id_is_rejected_with_what_to_give()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new StaticCredentialsProvider("", "secret"));

        Assert.That(error!.Message, Does.StartWith("The static credentials are invalid: the access key id is empty."));
    }

    [Test]
    public void Empty_secret_key_is_rejected_naming_the_access_key_id()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new StaticCredentialsProvider("AKIDEXAMPLE", " "));

        Assert.That(error!.Message, Does.Contain("the secret access key of 'AKIDEXAMPLE' is empty"));
    }

    [Test]
    public void Secret_key_with_a_line_break_is_rejected_without_showing_the_secret()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new StaticCredentialsProvider("AKIDEXAMPLE", "top-secret\n"));

        Assert.That(error!.Message, Does.Contain("contains whitespace").And.Not.Contain("top-secret"));
    }

    [Test]
    public void Empty_session_token_is_rejected_rather_than_sent()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new StaticCredentialsProvider("ASIAEXAMPLE", "secret", ""));

        Assert.That(error!.Message, Does.Contain("session token of 'ASIAEXAMPLE' is empty"));
    }
}

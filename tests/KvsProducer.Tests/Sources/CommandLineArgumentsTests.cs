using KvsProducer.Sources;

namespace KvsProducer.Tests.Sources;

/// <summary>The command of an exec: source is split into words like a shell would, without a shell.</summary>
public sealed class CommandLineArgumentsTests
{
    [Test]
    public void Blanks_separate_words()
    {
        Assert.That(CommandLineArguments.Split("rpicam-vid  -t 0\t--inline -o -"), Is.EqualTo(new[] { "rpicam-vid", "-t", "0", "--inline", "-o", "-" }));
    }

    [Test]
    public void Quotes_keep_blanks_inside_one_word()
    {
        Assert.That(CommandLineArguments.Split("sh -c 'echo \"a b\" >&2' \"x y\""), Is.EqualTo(new[] { "sh", "-c", "echo \"a b\" >&2", "x y" }));
    }

    [Test]
    public void A_backslash_escapes_the_next_character()
    {
        Assert.That(CommandLineArguments.Split(@"cam /tmp/my\ clip.h264 ""say \""hi\"""""), Is.EqualTo(new[] { "cam", "/tmp/my clip.h264", "say \"hi\"" }));
    }

    [Test]
    public void An_unclosed_quote_is_refused_with_the_command()
    {
        Assert.That(() => CommandLineArguments.Split("rpicam-vid --annotate 'frame"),
            Throws.ArgumentException.With.Message.EqualTo("The command 'rpicam-vid --annotate 'frame' has an unclosed ' quote: close it, or escape the quote with a backslash."));
    }
}

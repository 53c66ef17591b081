using KvsProducer.Cli;

namespace KvsProducer.Tests.Cli;

/// <summary>What <c>kvs</c> says about a slip on the command line, and how its status line fits a terminal.</summary>
public class CommandLineHabitTests
{
    [Test]
    public void A_bitrate_given_in_bits_per_second_is_refused_with_the_kbit_value_suggested()
    {
        var parsed = Program.BuildRoot().Parse(["stream", "-s", "testsrc:", "-n", "s", "--bitrate", "2000000"]);

        Assert.That(parsed.Errors.Select(e => e.Message), Has.One.Contains("kbit/s").And.Contains("did you mean 2000?"));
    }

    [Test]
    public void A_plausible_bitrate_is_accepted()
    {
        var parsed = Program.BuildRoot().Parse(["stream", "-s", "testsrc:", "-n", "s", "--bitrate", "2000"]);

        Assert.That(parsed.Errors, Is.Empty);
    }

    [Test]
    public void A_mistyped_option_gets_the_nearest_option_suggested()
    {
        var parsed = Program.BuildRoot().Parse(["stream", "-s", "testsrc:", "-n", "s", "--bitrat", "2000"]);

        Assert.That(OptionSuggestion.For("--bitrat", parsed), Is.EqualTo("--bitrate"));
    }

    [Test]
    public void A_global_option_is_suggested_under_a_verb_too()
    {
        var parsed = Program.BuildRoot().Parse(["fragments", "-n", "s", "--profil", "p"]);

        Assert.That(OptionSuggestion.For("--profil", parsed), Is.EqualTo("--profile"));
    }

    [Test]
    public void Nothing_is_suggested_for_a_word_far_from_every_option()
    {
        var parsed = Program.BuildRoot().Parse(["fragments", "-n", "s", "--zzzzzzzz"]);

        Assert.That(OptionSuggestion.For("--zzzzzzzz", parsed), Is.Null);
    }

    [Test]
    public void The_status_line_of_a_live_stream_fits_79_columns_by_dropping_trailing_fields()
    {
        var line = StreamStatus.Format(new StreamReport("front-door", ElapsedSeconds: 12.5, FramesPut: 375, FramesPersisted: 360, FramesDropped: 0, FramesSkipped: 0, FragmentsPersisted: 6, FrameRate: 30, KilobitsPerSecond: 2000, BufferSeconds: 0.4, AckLatencyP50Milliseconds: 120, AckLatencyP99Milliseconds: 300, Reconnects: 0, ErrorAcks: 0, Progress: null));

        var fitted = TerminalLine.Fit(line, 79);

        Assert.That(line.Length, Is.GreaterThan(79), "the full line is what wrapped before");
        Assert.That(fitted.Length, Is.LessThanOrEqualTo(79));
        Assert.That(line, Does.StartWith(fitted), "whole fields are dropped from the end");
    }

    [Test]
    public void A_status_line_with_no_field_boundary_is_cut_with_an_ellipsis()
    {
        Assert.That(TerminalLine.Fit(new string('x', 100), 40), Has.Length.EqualTo(40).And.EndsWith("…"));
    }
}

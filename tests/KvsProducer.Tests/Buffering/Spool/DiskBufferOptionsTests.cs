namespace KvsProducer.Tests.Buffering.Spool;

public class DiskBufferOptionsTests
{
    [Test]
    public void The_defaults_are_valid_and_create_the_directory()
    {
        using var directory = new SpoolDirectory();
        var options = new DiskBufferOptions(Path.Combine(directory.Root, "new", "dir"));

        Assert.DoesNotThrow(options.Validate);
        Assert.That(Directory.Exists(options.Directory), Is.True);
    }

    [Test]
    public void A_segment_size_out_of_range_names_the_option_the_value_and_the_range()
    {
        using var directory = new SpoolDirectory();
        var error = Assert.Throws<ArgumentException>(() => (new DiskBufferOptions(directory.Root) { SegmentBytes = 1000 }).Validate());

        Assert.That(error!.Message, Does.Contain("SegmentBytes 1000").And.Contain("65536").And.Contain("1073741824"));
    }

    [Test]
    public void A_bound_smaller_than_two_segments_is_refused()
    {
        using var directory = new SpoolDirectory();
        var error = Assert.Throws<ArgumentException>(() => (new DiskBufferOptions(directory.Root) { MaxBytes = 100_000, SegmentBytes = 65536 }).Validate());

        Assert.That(error!.Message, Does.Contain("MaxBytes 100000").And.Contain("131072"));
    }

    [Test]
    public void A_negative_sync_interval_is_refused()
    {
        using var directory = new SpoolDirectory();
        var error = Assert.Throws<ArgumentException>(() => (new DiskBufferOptions(directory.Root) { SyncInterval = TimeSpan.FromSeconds(-1) }).Validate());

        Assert.That(error!.Message, Does.Contain("SyncInterval"));
    }

    [Test]
    public void A_directory_that_cannot_be_created_is_refused_with_the_path_and_what_to_do()
    {
        using var directory = new SpoolDirectory();
        var file = Path.Combine(directory.Root, "a-file");
        File.WriteAllText(file, "not a directory");
        var error = Assert.Throws<ArgumentException>(() => new DiskBufferOptions(Path.Combine(file, "spool")).Validate());

        Assert.That(error!.Message, Does.Contain("is not a writable directory").And.Contain(file));
    }

    [Test]
    public void A_stream_with_a_disk_buffer_needs_absolute_timecodes()
    {
        using var directory = new SpoolDirectory();
        var definition = new StreamDefinition("s") { DiskBuffer = new DiskBufferOptions(directory.Root), Timecodes = FragmentTimecodes.Relative };

        var error = Assert.Throws<ArgumentException>(definition.Validate);
        Assert.That(error!.Message, Does.Contain("Absolute"));
    }

    [TestCase("."), TestCase("..")]
    public void A_stream_named_dot_or_dot_dot_cannot_have_a_disk_buffer(string name)
    {
        using var directory = new SpoolDirectory();
        var definition = new StreamDefinition(name) { DiskBuffer = new DiskBufferOptions(directory.Root) };

        var error = Assert.Throws<ArgumentException>(definition.Validate);
        Assert.That(error!.Message, Does.Contain($"'{name}'").And.Contain("disk buffer directory"));
    }

    [TestCase(0)]
    [TestCase(-5)]
    public void A_spill_replay_healthy_for_that_is_not_positive_or_infinite_is_refused(int seconds)
    {
        using var directory = new SpoolDirectory();
        var error = Assert.Throws<ArgumentException>(() => (new DiskBufferOptions(directory.Root) { SpillReplayHealthyFor = TimeSpan.FromSeconds(seconds) }).Validate());

        Assert.That(error!.Message, Does.Contain($"SpillReplayHealthyFor {TimeSpan.FromSeconds(seconds)}").And.Contain("Timeout.InfiniteTimeSpan"));
        Assert.That(error.ParamName, Is.EqualTo("SpillReplayHealthyFor"));
    }

    [Test]
    public void An_infinite_spill_replay_healthy_for_is_the_stop_only_behaviour_and_valid()
    {
        using var directory = new SpoolDirectory();

        Assert.DoesNotThrow((new DiskBufferOptions(directory.Root) { SpillReplayHealthyFor = Timeout.InfiniteTimeSpan }).Validate);
    }

    [Test]
    public void A_spill_slice_duration_that_is_not_positive_is_refused()
    {
        using var directory = new SpoolDirectory();
        var error = Assert.Throws<ArgumentException>(() => (new DiskBufferOptions(directory.Root) { SpillSliceDuration = TimeSpan.Zero }).Validate());

        Assert.That(error!.Message, Does.Contain("SpillSliceDuration 00:00:00").And.Contain("positive"));
    }

    [Test]
    public void A_spill_slice_smaller_than_64_KiB_is_refused_with_the_minimum()
    {
        using var directory = new SpoolDirectory();
        var error = Assert.Throws<ArgumentException>(() => (new DiskBufferOptions(directory.Root) { SpillSliceBytes = 1000 }).Validate());

        Assert.That(error!.Message, Does.Contain("SpillSliceBytes 1000").And.Contain("65536"));
    }
}

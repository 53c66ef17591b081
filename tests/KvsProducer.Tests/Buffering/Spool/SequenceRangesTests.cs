using KvsProducer.Buffering.Spool;

namespace KvsProducer.Tests.Buffering.Spool;

public class SequenceRangesTests
{
    [Test]
    public void Adjacent_and_overlapping_ranges_merge_in_any_order()
    {
        var ranges = new SequenceRanges();
        ranges.Add(10, 19);
        ranges.Add(0, 4);
        ranges.Add(5, 9);
        ranges.Add(30, 39);
        ranges.Add(18, 25);

        Assert.That(ranges.Ranges, Is.EqualTo(new[] { new SequenceRange(0, 25), new SequenceRange(30, 39) }));
    }

    [Test]
    public void CountIn_counts_only_the_numbers_inside_the_window()
    {
        var ranges = new SequenceRanges();
        ranges.Add(0, 9);
        ranges.Add(20, 29);

        Assert.That(ranges.CountIn(5, 25), Is.EqualTo(5 + 5));
        Assert.That(ranges.Contains(20), Is.True);
        Assert.That(ranges.Contains(15), Is.False);
    }

    [Test]
    public void RemoveBelow_forgets_lower_numbers_and_cuts_a_straddling_range()
    {
        var ranges = new SequenceRanges();
        ranges.Add(0, 9);
        ranges.Add(20, 29);
        ranges.RemoveBelow(25);

        Assert.That(ranges.Ranges, Is.EqualTo(new[] { new SequenceRange(25, 29) }));
    }
}

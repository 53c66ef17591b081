using KvsProducer.Buffering;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Buffering;

public class ContentStoreTests
{
    private static ContentStore NewStore(int segments) =>
        new(new ContentStoreOptions { SegmentSize = 256, StorageSize = segments * 256L }, new FakeTimeProvider());

    [Test]
    public void Store_never_hands_out_more_segments_than_the_budget_allows()
    {
        using var store = NewStore(4);
        var rented = Enumerable.Range(0, 4).Select(_ => store.TryRent()).ToList();

        Assert.That(rented, Has.All.Not.Null);
        Assert.That(store.TryRent(), Is.Null);
        Assert.That(store.AvailableBytes, Is.Zero);
    }

    [Test]
    public void Returned_segments_are_reused_instead_of_allocated_again()
    {
        using var store = NewStore(4);
        var first = store.TryRent()!;
        store.Return(first);

        Assert.That(store.TryRent(), Is.SameAs(first));
        Assert.That(store.PooledBytes, Is.EqualTo(256));
    }

    [Test]
    public void Memory_grows_with_what_is_buffered_not_with_the_budget()
    {
        using var fixture = new ViewFixture(storageSize: 1024 * 256);
        fixture.PutFragment(frames: 2, payloadLength: 40);

        Assert.That(fixture.Store.GetMetrics().ContentStorePooledSize, Is.EqualTo(256));
    }

    [Test]
    public void Storage_pressure_begins_below_5_percent_free_and_ends_at_10_percent_free()
    {
        using var store = NewStore(40);
        var events = new List<BufferPressureEventArgs>();
        store.StoragePressureChanged += (_, e) => events.Add(e);
        var rented = Enumerable.Range(0, 38).Select(_ => store.TryRent()!).ToList();
        Assert.That(events, Is.Empty, "38 of 40 held is exactly 5 % free: not yet pressure");

        rented.Add(store.TryRent()!);
        store.Return(rented[^1]);
        rented.RemoveAt(rented.Count - 1);
        rented.Add(store.TryRent()!);
        Assert.That(events, Has.Count.EqualTo(1), "hovering around the threshold fires once");
        Assert.That(events[0].IsUnderPressure, Is.True);

        store.Return(rented[^1]);
        store.Return(rented[^2]);
        Assert.That(events, Has.Count.EqualTo(1), "7.5 % free is still under 10 %");
        store.Return(rented[^3]);
        Assert.That(events, Has.Count.EqualTo(2));
        Assert.That(events[1].IsUnderPressure, Is.False);
        Assert.That(store.GetMetrics().StoragePressures, Is.EqualTo(1));
    }

    [Test]
    public void A_segment_size_that_is_not_a_power_of_two_is_refused_with_the_allowed_range()
    {
        var options = new ContentStoreOptions { SegmentSize = 1000 };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.That(error!.Message, Does.Contain("power of two"));
    }

    [Test]
    public void A_budget_smaller_than_two_segments_is_refused()
    {
        var options = new ContentStoreOptions { SegmentSize = 4096, StorageSize = 4096 };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.That(error!.Message, Does.Contain("at least two segments"));
    }
}

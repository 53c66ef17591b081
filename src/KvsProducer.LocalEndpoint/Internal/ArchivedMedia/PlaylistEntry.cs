using KvsProducer.LocalEndpoint.Internal.Json;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>One listed fragment with what playlists need: its duration and whether playback is discontinuous before it.</summary>
internal readonly record struct PlaylistEntry(FragmentRecord Fragment, long DurationMs, bool Discontinuity, bool NewHeader);

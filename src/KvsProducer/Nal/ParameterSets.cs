namespace KvsProducer.Nal;

/// <summary>The parameter-set NAL units of a stream (no start codes), as a configuration record carries them.</summary>
/// <param name="Vps">H.265 video parameter sets; empty for H.264.</param>
/// <param name="Sps">Sequence parameter sets.</param>
/// <param name="Pps">Picture parameter sets.</param>
internal readonly record struct ParameterSets(
    IReadOnlyList<ReadOnlyMemory<byte>> Vps,
    IReadOnlyList<ReadOnlyMemory<byte>> Sps,
    IReadOnlyList<ReadOnlyMemory<byte>> Pps);

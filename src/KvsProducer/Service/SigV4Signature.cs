namespace KvsProducer.Service;

/// <summary>
/// The headers a signed request must carry, as <see cref="SigV4Signer"/> computed them
/// (SigV4 as the official C producer computes it).
/// </summary>
/// <param name="AmzDate">The <c>X-Amz-Date</c> value (<c>yyyyMMddTHHmmssZ</c>) that was signed.</param>
/// <param name="Authorization">The <c>Authorization</c> header value.</param>
/// <param name="SecurityToken">The <c>x-amz-security-token</c> value to send, or null for long-term keys.</param>
internal readonly record struct SigV4Signature(string AmzDate, string Authorization, string? SecurityToken);

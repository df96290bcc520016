namespace AsyncRL.Contracts.Transport;

/// <summary>The outcome of a call: a code and a human-readable detail.</summary>
/// <param name="StatusCode">The gRPC status code.</param>
/// <param name="Detail">The message sent as <c>grpc-message</c> (may be empty).</param>
public readonly record struct Status(StatusCode StatusCode, string Detail)
{
    /// <summary>The successful status.</summary>
    public static Status DefaultSuccess { get; } = new(StatusCode.OK, string.Empty);

    /// <inheritdoc />
    public override string ToString() =>
        Detail.Length == 0 ? $"Status({StatusCode})" : $"Status({StatusCode}, \"{Detail}\")";
}

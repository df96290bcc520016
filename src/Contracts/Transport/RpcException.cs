namespace AsyncRL.Contracts.Transport;

/// <summary>
/// A call ended with a status other than OK. Servers throw it to answer with that status; clients receive
/// it with the status and trailers the server sent.
/// </summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates an exception carrying <paramref name="status"/>.</summary>
    public RpcException(Status status) : this(status, Metadata.Empty) { }

    /// <summary>Creates an exception carrying <paramref name="status"/> and trailers.</summary>
    public RpcException(Status status, Metadata trailers) : this(status, trailers, null) { }

    /// <summary>Creates an exception carrying <paramref name="status"/>, trailers and the local cause.</summary>
    public RpcException(Status status, Metadata trailers, Exception? innerException)
        : base(FormatMessage(status), innerException)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        Status = status;
        Trailers = trailers;
    }

    /// <summary>Creates an exception with the given code and detail.</summary>
    public RpcException(StatusCode statusCode, string detail) : this(new Status(statusCode, detail)) { }

    /// <summary>Parameterless constructor for serializers and tooling: status UNKNOWN.</summary>
    public RpcException() : this(new Status(StatusCode.Unknown, string.Empty)) { }

    /// <summary>Creates an exception with status UNKNOWN and <paramref name="message"/> as detail.</summary>
    public RpcException(string message) : this(new Status(StatusCode.Unknown, message)) { }

    /// <summary>Creates an exception with status UNKNOWN, <paramref name="message"/> as detail and a cause.</summary>
    public RpcException(string message, Exception innerException)
        : this(new Status(StatusCode.Unknown, message), Metadata.Empty, innerException) { }

    /// <summary>The status of the call.</summary>
    public Status Status { get; }

    /// <summary>Shortcut for <c>Status.StatusCode</c>.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>The trailers the server sent (empty when the error was local).</summary>
    public Metadata Trailers { get; }

    private static string FormatMessage(Status status) =>
        $"Status(StatusCode=\"{status.StatusCode}\", Detail=\"{status.Detail}\")";
}

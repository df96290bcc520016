namespace AsyncRL.Contracts.Transport;

/// <summary>The four shapes a gRPC method can have.</summary>
public enum MethodType
{
    /// <summary>One request, one response.</summary>
    Unary,
    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming,
    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming,
    /// <summary>Streams both ways.</summary>
    DuplexStreaming,
}

/// <summary>
/// Describes one gRPC method: its shape, its path (<c>/package.Service/Method</c>) and how its
/// messages are (de)serialized. Shared by the server mapping and the client.
/// </summary>
/// <typeparam name="TRequest">Request message type.</typeparam>
/// <typeparam name="TResponse">Response message type.</typeparam>
public sealed class Method<TRequest, TResponse>
{
    /// <summary>Describes a method.</summary>
    /// <param name="type">The call shape.</param>
    /// <param name="serviceName">Fully qualified service name, e.g. <c>asyncrl.v1.Learner</c>.</param>
    /// <param name="name">Method name, e.g. <c>Register</c>.</param>
    /// <param name="requestMarshaller">Request (de)serializer.</param>
    /// <param name="responseMarshaller">Response (de)serializer.</param>
    public Method(MethodType type, string serviceName, string name,
        Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(requestMarshaller);
        ArgumentNullException.ThrowIfNull(responseMarshaller);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = "/" + serviceName + "/" + name;
        RequestMarshaller = requestMarshaller;
        ResponseMarshaller = responseMarshaller;
    }

    /// <summary>The call shape.</summary>
    public MethodType Type { get; }

    /// <summary>Fully qualified service name.</summary>
    public string ServiceName { get; }

    /// <summary>Method name.</summary>
    public string Name { get; }

    /// <summary>The HTTP/2 <c>:path</c>: <c>/ServiceName/Name</c>.</summary>
    public string FullName { get; }

    /// <summary>Request (de)serializer.</summary>
    public Marshaller<TRequest> RequestMarshaller { get; }

    /// <summary>Response (de)serializer.</summary>
    public Marshaller<TResponse> ResponseMarshaller { get; }

    /// <inheritdoc />
    public override string ToString() => FullName;
}

/// <summary>Creates <see cref="Method{TRequest, TResponse}"/> descriptions for Google.Protobuf messages.</summary>
public static class ProtobufMethod
{
    /// <summary>Describes a method whose messages are Google.Protobuf messages.</summary>
    public static Method<TRequest, TResponse> Create<TRequest, TResponse>(MethodType type, string serviceName, string name)
        where TRequest : Google.Protobuf.IMessage<TRequest>, new()
        where TResponse : Google.Protobuf.IMessage<TResponse>, new() =>
        new(type, serviceName, name, Marshallers.Protobuf<TRequest>(), Marshallers.Protobuf<TResponse>());
}

using System.Diagnostics;
using AsyncRL.Contracts.V1;

namespace AsyncRL.Actors.Weights;

/// <summary>
/// One complete, checked policy version, shared read-only by every actor of the node (each copies it into its
/// own model). <see cref="Sequence"/> orders installations: it only grows, even when a learner restored from an
/// older checkpoint makes the version number go back.
/// </summary>
/// <param name="Version">The learner's policy version.</param>
/// <param name="Blob">The encoded parameters (never written after assembly).</param>
/// <param name="Parameters">Where each named parameter lies in the blob.</param>
/// <param name="Encoding">How the blob encodes floats.</param>
/// <param name="Sequence">Installation order on this node (1, 2, …).</param>
/// <param name="Publish">The learner's publish_weights span for this version (default when tracing is off there).</param>
internal sealed record PolicyWeights(long Version, ReadOnlyMemory<byte> Blob, IReadOnlyList<ParameterInfo> Parameters, WeightsEncoding Encoding, long Sequence,
    ActivityContext Publish = default);

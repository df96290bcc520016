using AsyncRL.Algorithms;
using AsyncRL.Contracts.V1;
using AsyncRL.Models.Nn;

namespace AsyncRL.Actors.Weights;

/// <summary>
/// Refuses a version whose layout does not fit the actors' model before any actor sees it, by loading it into a
/// probe copy of the model exactly as the actors will. A mismatch is then a counted, logged refusal instead of
/// every actor faulting (and being restarted into the same weights) in turn.
/// </summary>
internal sealed class WeightsValidator(Module probe)
{
    /// <summary>Null when the weights fit; otherwise why not.</summary>
    public string? Check(ReadOnlyMemory<byte> blob, IReadOnlyList<ParameterInfo> parameters, WeightsEncoding encoding)
    {
        try
        {
            ModuleWeights.Apply(probe, blob.Span, parameters, encoding);
            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
        {
            return ex.Message;
        }
    }
}

namespace AsyncRL.Models;

/// <summary>Computes the gradient contributions of one recorded operation.</summary>
/// <param name="gradOutput">d(loss)/d(output), laid out like the output.</param>
internal delegate void BackwardFn(ReadOnlySpan<float> gradOutput);

/// <summary>One recorded operation on the tape: its inputs and how to push gradient into them.</summary>
internal sealed class GradNode(string name, Tensor[] inputs, BackwardFn backward)
{
    public string Name { get; } = name;
    public Tensor[] Inputs { get; } = inputs;
    public BackwardFn Backward { get; } = backward;
    public int Visit; // DFS stamp, so topological sort needs no hash set
}

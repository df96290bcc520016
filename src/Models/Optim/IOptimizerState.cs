namespace AsyncRL.Models.Optim;

/// <summary>
/// What a learner checkpoints of an optimizer, whichever engine runs it: the learning rate and the state under
/// the names our <see cref="Optimizer"/> uses (<c>step</c>, <c>lr</c>, <c>exp_avg.i</c>, …).
/// </summary>
public interface IOptimizerState
{
    /// <summary>Step size of the next step.</summary>
    float LearningRate { get; set; }

    /// <summary>The state as named host tensors.</summary>
    IReadOnlyDictionary<string, Tensor> StateDict();

    /// <summary>Restores a state written by either engine for the same parameter list.</summary>
    void LoadStateDict(IReadOnlyDictionary<string, Tensor> state);
}

using AsyncRL.Environments;
using AsyncRL.Environments.Goals;

namespace AsyncRL.Algorithms.Dqn;

/// <summary>Greedy episodes with a Q-network: the mean return, and the success rate on goal tasks.</summary>
public static class GreedyEvaluation
{
    /// <summary>Runs <paramref name="episodes"/> greedy episodes on fresh environments seeded by <paramref name="seed"/>.</summary>
    public static (double ReturnMean, double? SuccessRate) Run(QNetwork network, string envId, IReadOnlyDictionary<string, string>? envArgs, int episodes, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        var rng = new Generator(seed);
        var env = EnvRegistry.Create(envId, envArgs, rng.Fork());
        var policy = new DqnActingPolicy(network, 1);
        var obs = new float[env.Spec.ObservationSize];
        var action = new int[1];
        double returns = 0;
        int successes = 0;
        for (int i = 0; i < episodes; i++)
        {
            env.Reset(obs);
            StepResult r;
            do
            {
                policy.Greedy(obs, 1, action);
                r = env.Step(action[0], obs);
                returns += r.Reward;
            }
            while (!r.Done);
            // Goal tasks terminate exactly when the goal is reached.
            if (env is IGoalEnvironment && r.Terminated) successes++;
        }
        return (returns / episodes, env is IGoalEnvironment ? (double)successes / episodes : null);
    }
}

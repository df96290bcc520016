using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>Episodes with the decentralised policies: the return summed over agents, and each agent's and team's.</summary>
public static class MaddpgEvaluation
{
    /// <summary>What a set of episodes scored.</summary>
    /// <param name="ReturnMean">Mean return summed over agents.</param>
    /// <param name="AgentReturnMeans">Each agent's mean return.</param>
    /// <param name="TeamReturnMeans">Each team's mean return, summed over its agents.</param>
    public sealed record Result(double ReturnMean, double[] AgentReturnMeans, IReadOnlyDictionary<string, double> TeamReturnMeans);

    /// <summary>Runs <paramref name="episodes"/> episodes on fresh environments seeded by <paramref name="seed"/>: greedy, or sampling as the actors explore.</summary>
    public static Result Run(MaddpgActors actors, string envId, int episodes, ulong seed, bool greedy = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actors);
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        var rng = new Generator(seed);
        var env = EnvRegistry.CreateMultiAgent(envId, null, rng.Fork());
        var spec = env.Spec;
        if (spec.Id != actors.Spec.Id) throw new ArgumentException($"The policies are for {actors.Spec.Id}, not {spec.Id}.", nameof(envId));
        var policy = new MaddpgActingPolicy(actors, 1);
        int n = spec.AgentCount;
        var obs = new float[spec.JointObservationSize];
        var actions = new int[n];
        var rewards = new float[n];
        var sums = new double[n];
        for (int e = 0; e < episodes; e++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            env.Reset(obs);
            StepResult r;
            do
            {
                if (greedy) policy.Greedy(obs, 1, actions);
                else policy.Act(obs, 1, rng, actions);
                r = env.Step(actions, obs, rewards);
                for (int i = 0; i < n; i++) sums[i] += rewards[i];
            }
            while (!r.Done);
        }
        var agentMeans = sums.Select(s => s / episodes).ToArray();
        var teams = spec.TeamNames.ToDictionary(t => t, t => Enumerable.Range(0, n).Where(i => spec.Teams[i] == t).Sum(i => agentMeans[i]), StringComparer.Ordinal);
        return new Result(agentMeans.Sum(), agentMeans, teams);
    }
}

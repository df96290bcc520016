using System.Globalization;
using AsyncRL.Environments;

namespace AsyncRL.Algorithms.Maddpg;

/// <summary>
/// Finished episodes' per-agent returns between two metrics lines: each agent's mean return, and for tasks with more
/// than one team each team's mean return summed over its agents (<c>adversary_return_mean</c>, <c>good_return_mean</c>).
/// </summary>
public sealed class TeamReturns
{
    private readonly MultiAgentEnvSpec _spec;
    private readonly double[] _sums;
    private int _episodes;

    /// <summary>An empty tally for <paramref name="spec"/>'s agents.</summary>
    public TeamReturns(MultiAgentEnvSpec spec)
    {
        _spec = spec ?? throw new ArgumentNullException(nameof(spec));
        _sums = new double[spec.AgentCount];
    }

    /// <summary>Adds episodes, one return per agent each.</summary>
    public void Add(IEnumerable<float[]> agentReturns)
    {
        ArgumentNullException.ThrowIfNull(agentReturns);
        foreach (var returns in agentReturns)
        {
            if (returns.Length != _sums.Length) throw new ArgumentException($"{returns.Length} returns for {_sums.Length} agents.", nameof(agentReturns));
            for (int i = 0; i < returns.Length; i++) _sums[i] += returns[i];
            _episodes++;
        }
    }

    /// <summary>Writes the means into <paramref name="metrics"/> (nothing when no episode finished) and starts a new tally.</summary>
    public void Describe(IDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (_episodes == 0) return;
        for (int i = 0; i < _sums.Length; i++) metrics[string.Create(CultureInfo.InvariantCulture, $"agent_{i}_return_mean")] = _sums[i] / _episodes;
        var teams = _spec.TeamNames;
        if (teams.Count > 1)
            foreach (var team in teams)
                metrics[$"{team}_return_mean"] = Enumerable.Range(0, _sums.Length).Where(i => _spec.Teams[i] == team).Sum(i => _sums[i]) / _episodes;
        metrics["episodes_with_agent_returns"] = _episodes;
        Array.Clear(_sums);
        _episodes = 0;
    }
}

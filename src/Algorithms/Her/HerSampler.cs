using AsyncRL.Algorithms.Replay;
using AsyncRL.Environments.Goals;

namespace AsyncRL.Algorithms.Her;

/// <summary>
/// Draws a batch of one-step transitions from stored episodes and relabels goals on the way (HER): the
/// transition's desired goal is replaced, with probability k/(k+1), by a goal achieved in the same episode
/// (per the strategy), and its reward and termination are recomputed with the environment's reward function.
/// </summary>
public sealed class HerSampler
{
    private readonly IGoalEnvironment _env;
    private readonly HerOptions _options;
    private readonly int _stateSize;
    private readonly int _goalSize;
    private readonly float[] _achieved;
    private readonly float[] _goal;

    /// <summary>A sampler for episodes of <paramref name="env"/> (observation = state ‖ goal).</summary>
    public HerSampler(IGoalEnvironment env, HerOptions options)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _goalSize = env.GoalSize;
        _stateSize = env.Spec.ObservationSize - _goalSize;
        (_achieved, _goal) = (new float[_goalSize], new float[_goalSize]);
    }

    /// <summary>Columns of the episode store: s ‖ g, a, s′ ‖ g.</summary>
    public static ReplayColumn[] Columns(int observationSize) => [new("obs", observationSize), new("action", 1), new("next_obs", observationSize)];

    /// <summary>Fills a batch of B rows; returns how many were relabelled.</summary>
    /// <param name="store">Episodes with <see cref="Columns"/>.</param>
    /// <param name="observations">s ‖ g, [B, O].</param>
    /// <param name="actions">a, [B].</param>
    /// <param name="rewards">r(achieved(s′), g), [B].</param>
    /// <param name="nextObservations">s′ ‖ g, [B, O].</param>
    /// <param name="discounts">γ, or 0 where g is reached, [B].</param>
    /// <param name="policyLag">Learner version − the episode's acting version, [B].</param>
    /// <param name="age">Updates since the episode was stored, [B].</param>
    public int Sample(EpisodeReplay store, Generator rng, long learnerVersion, float[] observations, int[] actions, float[] rewards,
        float[] nextObservations, float[] discounts, long[] policyLag, long[] age)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(nextObservations);
        ArgumentNullException.ThrowIfNull(discounts);
        ArgumentNullException.ThrowIfNull(policyLag);
        ArgumentNullException.ThrowIfNull(age);
        int o = _stateSize + _goalSize, relabelled = 0;
        double p = HerRelabel.RelabelProbability(_options.K);
        for (int k = 0; k < actions.Length; k++)
        {
            var episode = store.SampleEpisode(rng);
            int t = rng.NextInt(episode.Length);
            var obs = store.Step(0, episode, t);
            var next = store.Step(2, episode, t);
            obs[_stateSize..].CopyTo(_goal);
            if (rng.NextDouble() < p)
            {
                int tg = HerRelabel.GoalStep(_options.Strategy, t, episode.Length, rng);
                _env.AchievedGoal(store.Step(2, episode, tg)[.._stateSize], _goal);
                relabelled++;
            }
            var row = observations.AsSpan(k * o, o);
            var nextRow = nextObservations.AsSpan(k * o, o);
            obs[.._stateSize].CopyTo(row);
            next[.._stateSize].CopyTo(nextRow);
            _goal.CopyTo(row[_stateSize..]);
            _goal.CopyTo(nextRow[_stateSize..]);
            _env.AchievedGoal(next[.._stateSize], _achieved);
            actions[k] = (int)store.Step(1, episode, t)[0];
            rewards[k] = _env.Reward(_achieved, _goal);
            discounts[k] = _env.IsSuccess(_achieved, _goal) ? 0f : _options.Dqn.Gamma;
            policyLag[k] = learnerVersion - episode.PolicyVersion;
            age[k] = store.CurrentUpdate - episode.InsertedAt;
        }
        store.CountSampled(actions.Length);
        return relabelled;
    }
}

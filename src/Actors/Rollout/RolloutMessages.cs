using AsyncRL.Actors.Weights;

namespace AsyncRL.Actors.Rollout;

/// <summary>A newer policy version to act with from the next fragment on (only the newest waiting one is applied).</summary>
internal sealed record NewWeights(PolicyWeights Weights);

/// <summary>Collect the next fragment, if the schedule and the window allow. The actor sends it to itself after each one.</summary>
internal sealed record Collect
{
    public static Collect Instance { get; } = new();
}

/// <summary>The sender's window has room again (the answer to a reservation that found it full).</summary>
internal sealed record RoomFree
{
    public static RoomFree Instance { get; } = new();
}

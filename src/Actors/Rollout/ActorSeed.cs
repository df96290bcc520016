using System.Text;

namespace AsyncRL.Actors.Rollout;

/// <summary>
/// Seeds from <c>(run seed, actor id)</c> through a stable hash (docs/wire-protocol.md, "Identity"), so a run is
/// reproducible for a given set of actor ids whatever the process or machine. A restarted actor takes the next
/// incarnation's seed: replaying its predecessor's trajectories would duplicate data.
/// </summary>
internal static class ActorSeed
{
    public static ulong Derive(ulong runSeed, string actorId, int incarnation = 0)
    {
        ArgumentNullException.ThrowIfNull(actorId);
        // FNV-1a over the UTF-8 id, then SplitMix64 to spread the bits; string.GetHashCode is randomised per process.
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(actorId))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        ulong seed = Mix(runSeed ^ Mix(hash));
        return incarnation == 0 ? seed : Mix(seed ^ (ulong)incarnation);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

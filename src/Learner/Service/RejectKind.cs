namespace AsyncRL.Learner.Service;

/// <summary>
/// The <c>reason</c> tag of a rejected batch on <c>asyncrl.learner.batches</c>: which check refused it. Few values, so
/// dashboards can split rejections without the (unbounded) reason text.
/// </summary>
internal static class RejectKind
{
    /// <summary>Another run's batch (run_id).</summary>
    public const string Run = "run_id";

    /// <summary>No actor id, or one no registration gave out.</summary>
    public const string Actor = "actor_id";

    /// <summary>seq 0, or one implausibly far ahead.</summary>
    public const string Seq = "seq";

    /// <summary>The sample schema: columns, dtypes, shapes, byte lengths, NaN/Inf, row counts, policy versions.</summary>
    public const string Schema = "schema";

    /// <summary>env_steps out of proportion to the rows.</summary>
    public const string EnvSteps = "env_steps";

    /// <summary>Finished-episode statistics (NaN/Inf, versions from the future).</summary>
    public const string Episodes = "episodes";

    /// <summary>The algorithm's own decoding (e.g. an action outside the action space).</summary>
    public const string Decode = "decode";
}

/// <summary>The <c>reason</c> tag of <c>asyncrl.rpc.server.refused</c>.</summary>
internal static class RefusalKind
{
    /// <summary>One node held as many streams as its registration allows.</summary>
    public const string NodeStreams = "node_streams";

    /// <summary>The learner served as many concurrent calls as it takes.</summary>
    public const string ConcurrentCalls = "concurrent_calls";
}

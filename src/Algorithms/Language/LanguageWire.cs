using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments.Language;
using static AsyncRL.Algorithms.SampleSchema;

namespace AsyncRL.Algorithms.Language;

/// <summary>
/// How a <see cref="LanguageBatch"/> travels as a <see cref="SampleBatch"/>: <c>prompt</c> [rows, Tp],
/// <c>completion</c> [rows, Tc] (padded after EOS), <c>completion_length</c> [rows], <c>behaviour_log_probs</c>
/// [rows, Tc] and <c>group</c> [rows] (the prompt each completion belongs to; a group's K rows are adjacent).
/// One batch is one mini-batch; its env steps are its completions.
/// </summary>
public static class LanguageWire
{
    /// <summary>The columns the language algorithms declare.</summary>
    public static SampleSchema Schema(int promptLength, int completionLength) => new(
    [
        Column("prompt", DType.Int32, false, Rows, promptLength),
        Column("completion", DType.Int32, false, Rows, completionLength),
        Column("completion_length", DType.Int32, false, Rows),
        Column("behaviour_log_probs", DType.Float32, false, Rows, completionLength),
        Column("group", DType.Int32, false, Rows),
    ]);

    /// <summary>Encodes a mini-batch (arrays are lent to the message, not copied).</summary>
    public static SampleBatch ToBatch(LanguageBatch b, string actorId)
    {
        ArgumentNullException.ThrowIfNull(b);
        var c = b.Completions;
        var batch = new SampleBatch { ActorId = actorId, RowCount = (uint)b.Rows, EnvSteps = (ulong)b.Rows, PolicyVersion = b.Versions.Max() };
        if (b.Versions.Any(v => v != batch.PolicyVersion)) batch.RowPolicyVersions.AddRange(b.Versions);
        batch.Columns["prompt"] = TensorCodec.WrapInt32(b.Prompts, b.Rows, b.PromptLength);
        batch.Columns["completion"] = TensorCodec.WrapInt32(c.Tokens, b.Rows, c.Length);
        batch.Columns["completion_length"] = TensorCodec.WrapInt32(c.Lengths, b.Rows);
        batch.Columns["behaviour_log_probs"] = TensorCodec.WrapFloat32(c.LogProbs, b.Rows, c.Length);
        batch.Columns["group"] = TensorCodec.WrapInt32([.. Enumerable.Range(0, b.Rows).Select(r => r / b.K)], b.Rows);
        return batch;
    }

    /// <summary>
    /// Decodes a batch that passed <see cref="SampleSchema.Validate"/>, checking what the schema cannot: token ids
    /// inside the vocabulary, lengths in range with EOS exactly at the end (or none at full length) and padding after,
    /// finite log-probabilities that are log-probabilities, and groups of exactly <paramref name="k"/> adjacent rows
    /// sharing a prompt. Throws <see cref="ArgumentException"/> with the precise reason.
    /// </summary>
    public static LanguageBatch FromBatch(SampleBatch batch, int promptLength, int completionLength, int k, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int rows = (int)batch.RowCount;
        var prompts = TensorCodec.AsInt32(batch.Columns["prompt"]).ToArray();
        var tokens = TensorCodec.AsInt32(batch.Columns["completion"]).ToArray();
        var lengths = TensorCodec.AsInt32(batch.Columns["completion_length"]).ToArray();
        var logProbs = TensorCodec.ToFloat32Array(batch.Columns["behaviour_log_probs"]);
        var groups = TensorCodec.AsInt32(batch.Columns["group"]);
        CheckTokens("prompt", prompts, promptLength);
        CheckTokens("completion", tokens, completionLength);
        for (int r = 0; r < rows; r++)
        {
            CheckCompletion(r, tokens.AsSpan(r * completionLength, completionLength), lengths[r]);
            CheckLogProbs(r, logProbs.AsSpan(r * completionLength, completionLength), lengths[r]);
        }
        CheckGroups(groups, prompts, promptLength, k, algorithm);
        var versions = batch.RowPolicyVersions.Count == rows ? [.. batch.RowPolicyVersions] : Enumerable.Repeat(batch.PolicyVersion, rows).ToArray();
        return new LanguageBatch(promptLength, k, prompts, new Completions(rows, completionLength, tokens, lengths, logProbs), versions);
    }

    private static void CheckTokens(string column, ReadOnlySpan<int> ids, int width)
    {
        for (int i = 0; i < ids.Length; i++)
            if (!Vocabulary.Contains(ids[i]))
                throw new ArgumentException($"{column} row {i / width} position {i % width}: token id {ids[i]} is outside the vocabulary [0, {Vocabulary.Size})");
    }

    private static void CheckCompletion(int row, ReadOnlySpan<int> completion, int length)
    {
        int tc = completion.Length;
        if (length < 1 || length > tc) throw new ArgumentException($"completion_length row {row} is {length}, outside [1, {tc}]");
        int eos = completion.IndexOf(Vocabulary.Eos);
        if (eos >= 0 && eos != length - 1)
            throw new ArgumentException($"completion row {row} has EOS at position {eos} but completion_length {length}");
        if (eos < 0 && length < tc)
            throw new ArgumentException($"completion row {row} has length {length} < {tc} but does not end with EOS");
        for (int t = length; t < tc; t++)
            if (completion[t] != Vocabulary.Pad)
                throw new ArgumentException($"completion row {row} has token {completion[t]} at position {t}, after its end (expected padding {Vocabulary.Pad})");
    }

    private static void CheckLogProbs(int row, ReadOnlySpan<float> logProbs, int length)
    {
        for (int t = 0; t < length; t++)
        {
            float l = logProbs[t];
            if (!float.IsFinite(l)) throw new ArgumentException($"behaviour_log_probs row {row} position {t} is {l}, not a finite log-probability");
            if (l > 1e-4f) throw new ArgumentException($"behaviour_log_probs row {row} position {t} is {l} > 0, not a log-probability");
        }
    }

    private static void CheckGroups(ReadOnlySpan<int> groups, ReadOnlySpan<int> prompts, int promptLength, int k, string algorithm)
    {
        var seen = new HashSet<int>();
        int start = 0;
        while (start < groups.Length)
        {
            int id = groups[start];
            int end = start;
            while (end < groups.Length && groups[end] == id) end++;
            if (!seen.Add(id)) throw new ArgumentException($"group {id} is split: its rows are not adjacent (again at row {start})");
            int count = end - start;
            if (count != k)
            {
                throw new ArgumentException(count < k && k == 2 && algorithm == Dpo.DpoObjective.AlgorithmName
                    ? $"group {id} has {count} completion (row {start}): dpo needs 2 per prompt, a chosen and a rejected one"
                    : $"group {id} has {count} completions (rows {start}..{end - 1}): {algorithm} takes K = {k} per prompt");
            }
            var first = prompts.Slice(start * promptLength, promptLength);
            for (int r = start + 1; r < end; r++)
                if (!prompts.Slice(r * promptLength, promptLength).SequenceEqual(first))
                    throw new ArgumentException($"group {id}: rows {start} and {r} have different prompts");
            start = end;
        }
    }
}

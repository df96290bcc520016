using AsyncRL.Algorithms.Language;
using AsyncRL.Contracts;
using AsyncRL.Contracts.V1;
using AsyncRL.Environments.Language;
using AsyncRL.Models.Nn;

namespace AsyncRL.Algorithms.Tests.Language;

public sealed class LanguageWireTests
{
    private static readonly ArithTask Task = new(1);

    private static SampleBatch Batch(int k = 2, long version = 3)
    {
        var model = new TinyGpt(new LanguageModelOptions(Dim: 16, Layers: 1, Heads: 2).ConfigFor(Task), new Generator(1));
        var batch = new BatchGenerator(Task, model, 8, k, 0.7f, new Generator(2)).Next(version);
        var wire = LanguageWire.ToBatch(batch, "node/0");
        wire.Seq = 1;
        return wire;
    }

    private static LanguageBatch Decode(SampleBatch batch, int k = 2, string algorithm = "dpo")
    {
        Assert.Null(LanguageWire.Schema(6, 5).Validate(batch, learnerVersion: 10));
        return LanguageWire.FromBatch(batch, 6, 5, k, algorithm);
    }

    private static SampleBatch With(SampleBatch batch, string column, Action<int[]> change)
    {
        var copy = batch.Clone();
        var t = copy.Columns[column];
        var values = TensorCodec.AsInt32(t).ToArray();
        change(values);
        copy.Columns[column] = TensorCodec.FromInt32(values, [.. t.Shape]);
        return copy;
    }

    [Fact]
    public void ToBatchFromBatch_RoundTripsEveryColumn()
    {
        var model = new TinyGpt(new LanguageModelOptions(Dim: 16, Layers: 1, Heads: 2).ConfigFor(Task), new Generator(1));
        var original = new BatchGenerator(Task, model, 8, 4, 0.7f, new Generator(2)).Next(5);
        var wire = LanguageWire.ToBatch(original, "node/0");
        Assert.Equal(8u, wire.RowCount);
        Assert.Equal(8ul, wire.EnvSteps); // env steps are completions
        Assert.Equal(5, wire.PolicyVersion);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], TensorCodec.AsInt32(wire.Columns["group"]).ToArray());

        var decoded = Decode(wire, k: 4, algorithm: "rloo");

        Assert.Equal(original.Prompts, decoded.Prompts);
        Assert.Equal(original.Completions.Tokens, decoded.Completions.Tokens);
        Assert.Equal(original.Completions.Lengths, decoded.Completions.Lengths);
        Assert.Equal(original.Completions.LogProbs, decoded.Completions.LogProbs);
        Assert.Equal(Enumerable.Repeat(5L, 8), decoded.Versions);
        Assert.Equal(4, decoded.K);
    }

    [Fact]
    public void Decode_TokenOutsideTheVocabulary_IsRejectedNamingRowAndPosition()
    {
        var bad = With(Batch(), "completion", v => v[2 * 5 + 1] = 99);
        var e = Assert.Throws<ArgumentException>(() => Decode(bad));
        Assert.Equal($"completion row 2 position 1: token id 99 is outside the vocabulary [0, {Vocabulary.Size})", e.Message);
        var negative = With(Batch(), "prompt", v => v[7] = -3);
        Assert.Equal($"prompt row 1 position 1: token id -3 is outside the vocabulary [0, {Vocabulary.Size})",
            Assert.Throws<ArgumentException>(() => Decode(negative)).Message);
    }

    [Fact]
    public void Decode_DpoPairWithAMissingSide_IsRejected()
    {
        // Prompt group 1 lost its second completion: its rows now read 0,0,1,2,2,3,3,3 → group 1 has one row.
        var bad = With(Batch(), "group", v => { int[] g = [0, 0, 1, 2, 2, 3, 3, 3]; g.CopyTo(v, 0); });
        var e = Assert.Throws<ArgumentException>(() => Decode(bad));
        Assert.Equal("group 1 has 1 completion (row 2): dpo needs 2 per prompt, a chosen and a rejected one", e.Message);
    }

    [Fact]
    public void Decode_RowsOfAGroupWithDifferentPrompts_OrSplitGroups_AreRejected()
    {
        var prompts = With(Batch(), "prompt", v => v[1 * 6] = v[1 * 6] == Vocabulary.Digit(1) ? Vocabulary.Digit(2) : Vocabulary.Digit(1));
        Assert.Equal("group 0: rows 0 and 1 have different prompts", Assert.Throws<ArgumentException>(() => Decode(prompts)).Message);
        var split = With(Batch(), "group", v => { int[] g = [0, 0, 1, 1, 0, 0, 3, 3]; g.CopyTo(v, 0); });
        Assert.Equal("group 0 is split: its rows are not adjacent (again at row 4)", Assert.Throws<ArgumentException>(() => Decode(split)).Message);
        var wrongK = Batch(k: 4);
        Assert.Equal("group 0 has 4 completions (rows 0..3): rloo takes K = 2 per prompt",
            Assert.Throws<ArgumentException>(() => LanguageWire.FromBatch(wrongK, 6, 5, 2, "rloo")).Message);
    }

    [Fact]
    public void Decode_NaNLogProbs_AreRejectedByTheSchema_AndByDecode()
    {
        var bad = Batch().Clone();
        var logProbs = TensorCodec.AsFloat32(bad.Columns["behaviour_log_probs"]).ToArray();
        logProbs[3] = float.NaN;
        bad.Columns["behaviour_log_probs"] = TensorCodec.FromFloat32(logProbs, 8, 5);
        Assert.Equal("column 'behaviour_log_probs': contains NaN or infinity", LanguageWire.Schema(6, 5).Validate(bad, 10));
        var e = Assert.Throws<ArgumentException>(() => LanguageWire.FromBatch(bad, 6, 5, 2, "dpo"));
        Assert.Equal("behaviour_log_probs row 0 position 3 is NaN, not a finite log-probability", e.Message);
        logProbs[3] = 0.5f;
        bad.Columns["behaviour_log_probs"] = TensorCodec.FromFloat32(logProbs, 8, 5);
        Assert.Contains("is 0.5 > 0, not a log-probability", Assert.Throws<ArgumentException>(() => LanguageWire.FromBatch(bad, 6, 5, 2, "dpo")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_LengthsThatDoNotMatchTheTokens_AreRejected()
    {
        var batch = Batch();
        int row = Enumerable.Range(0, 8).First(r => TensorCodec.AsInt32(batch.Columns["completion_length"])[r] < 5);
        int length = TensorCodec.AsInt32(batch.Columns["completion_length"])[row];
        Assert.Equal($"completion_length row {row} is 0, outside [1, 5]",
            Assert.Throws<ArgumentException>(() => Decode(With(batch, "completion_length", v => v[row] = 0))).Message);
        Assert.Equal($"completion row {row} has EOS at position {length - 1} but completion_length {length + 1}",
            Assert.Throws<ArgumentException>(() => Decode(With(batch, "completion_length", v => v[row] = length + 1))).Message);
        var afterEnd = With(batch, "completion", v => v[row * 5 + 4] = Vocabulary.Digit(3));
        Assert.Contains($"completion row {row} has token {Vocabulary.Digit(3)} at position 4, after its end",
            Assert.Throws<ArgumentException>(() => Decode(afterEnd)).Message, StringComparison.Ordinal);
        var noEos = With(With(batch, "completion", v => v[row * 5 + length - 1] = Vocabulary.Digit(3)), "completion_length", _ => { });
        Assert.Equal($"completion row {row} has length {length} < 5 but does not end with EOS", Assert.Throws<ArgumentException>(() => Decode(noEos)).Message);
    }
}

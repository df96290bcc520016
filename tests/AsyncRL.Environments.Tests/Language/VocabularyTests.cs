using AsyncRL.Environments.Language;

namespace AsyncRL.Environments.Tests.Language;

public sealed class VocabularyTests
{
    [Theory]
    [InlineData("37+85=")]
    [InlineData("122$")]
    [InlineData("abcdefgh:")]
    [InlineData("_$0123456789+=:abcdefgh")]
    [InlineData("")]
    public void EncodeDecode_RoundTripsEveryText(string text)
    {
        var ids = Vocabulary.Encode(text);
        Assert.Equal(text.Length, ids.Length);
        Assert.All(ids, id => Assert.True(Vocabulary.Contains(id)));
        Assert.Equal(text, Vocabulary.Decode(ids));
    }

    [Fact]
    public void DecodeEncode_RoundTripsEveryId()
    {
        int[] ids = [.. Enumerable.Range(0, Vocabulary.Size)];
        Assert.Equal(ids, Vocabulary.Encode(Vocabulary.Decode(ids)));
    }

    [Fact]
    public void SpecialTokens_AreWhereTheConstantsSay()
    {
        Assert.Equal("_", Vocabulary.Decode([Vocabulary.Pad]));
        Assert.Equal("$", Vocabulary.Decode([Vocabulary.Eos]));
        Assert.Equal(Vocabulary.Encode("7")[0], Vocabulary.Digit(7));
        Assert.Equal(7, Vocabulary.DigitOf(Vocabulary.Digit(7)));
        Assert.Equal(-1, Vocabulary.DigitOf(Vocabulary.Eos));
        Assert.Equal(2, Vocabulary.LetterOf(Vocabulary.Encode("c")[0]));
        Assert.Equal(-1, Vocabulary.LetterOf(Vocabulary.Encode("9")[0]));
    }

    [Fact]
    public void Encode_UnknownCharacter_NamesItAndItsPosition()
    {
        var e = Assert.Throws<ArgumentException>(() => Vocabulary.Encode("12x"));
        Assert.Contains("'x' at position 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_IdOutsideTheVocabulary_NamesIt()
    {
        var e = Assert.Throws<ArgumentException>(() => Vocabulary.Decode([2, Vocabulary.Size]));
        Assert.Contains($"Token id {Vocabulary.Size} at position 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompletionLength_CountsUpToTheFirstEos()
    {
        Assert.Equal(3, Vocabulary.CompletionLength(Vocabulary.Encode("12$__")));
        Assert.Equal(1, Vocabulary.CompletionLength(Vocabulary.Encode("$1$")));
        Assert.Equal(5, Vocabulary.CompletionLength(Vocabulary.Encode("12345")));
        Assert.False(Vocabulary.HasEos(Vocabulary.Encode("12345")));
    }
}

using AsyncRL.Environments.Language;

namespace AsyncRL.Environments.Tests.Language;

public sealed class ArithTaskTests
{
    private static readonly int[] Prompt = ArithTask.Prompt(37, 85);

    [Fact]
    public void Prompt_IsZeroPaddedToSixTokens()
    {
        Assert.Equal("37+85=", Vocabulary.Decode(Prompt));
        Assert.Equal("07+05=", Vocabulary.Decode(ArithTask.Prompt(7, 5)));
        Assert.Equal((7, 5), ArithTask.Operands(ArithTask.Prompt(7, 5)));
    }

    [Theory]
    [InlineData("122$_", 1f)]   // exact answer, then EOS
    [InlineData("122$", 1f)]
    [InlineData("112$_", 0f)]   // a dropped carry
    [InlineData("1220$", 0f)]   // one digit too many
    [InlineData("$____", 0f)]   // empty answer
    [InlineData("12$2_", 0f)]   // EOS too early: what follows does not count
    [InlineData("12212", -1f)]  // no EOS within the limit: the penalty
    [InlineData("122+=", -1f)]
    public void Reward_IsOneForTheExactAnswer_ZeroOtherwise_MinusOneWithoutEos(string completion, float expected) =>
        Assert.Equal(expected, ArithTask.Reward(Prompt, Vocabulary.Encode(completion)));

    [Fact]
    public void HeldOutPrompts_AreFixedBySeed_AndNeverDrawnForTraining()
    {
        var a = new ArithTask(5);
        var b = new ArithTask(5);
        var c = new ArithTask(6);
        Assert.Equal(ArithTask.HeldOutCount, a.HeldOutPrompts.Count);
        Assert.Equal(a.HeldOutPrompts, b.HeldOutPrompts);
        Assert.NotEqual(a.HeldOutPrompts, c.HeldOutPrompts);
        var heldOut = a.HeldOutPrompts.Select(p => Vocabulary.Decode(p)).ToHashSet();
        Assert.Equal(ArithTask.HeldOutCount, heldOut.Count);
        var rng = new Generator(1);
        var prompt = new int[6];
        for (int i = 0; i < 5000; i++)
        {
            a.SampleTrainingPrompt(rng, prompt);
            Assert.DoesNotContain(Vocabulary.Decode(prompt), heldOut);
        }
    }

    [Fact]
    public void Demonstrations_DropCarriesAtTheSlipRate_AndAreExactWithoutCarries()
    {
        var task = new ArithTask(1);
        var rng = new Generator(2);
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal("43$", Vocabulary.Decode(task.Demonstrate(ArithTask.Prompt(21, 22), rng))));
        int correct = 0;
        const int Trials = 4000;
        for (int i = 0; i < Trials; i++)
        {
            var demo = task.Demonstrate(ArithTask.Prompt(18, 25), rng); // one carry: 43, or 33 when it slips
            Assert.Contains(Vocabulary.Decode(demo), new[] { "43$", "33$" });
            if (ArithTask.Reward(ArithTask.Prompt(18, 25), demo) == 1f) correct++;
        }
        Assert.InRange(correct / (double)Trials, 1 - ArithTask.CarrySlip - 0.03, 1 - ArithTask.CarrySlip + 0.03);
    }

    [Fact]
    public void HeldOutScore_IsOneExactlyForTheAnswer()
    {
        var task = new ArithTask(3);
        var answer = ArithTask.Answer(task.HeldOutPrompts[0]).Append(Vocabulary.Eos).ToArray();
        Assert.Equal(1, task.HeldOutScore(0, answer));
        answer[0] = answer[0] == Vocabulary.Digit(9) ? Vocabulary.Digit(1) : answer[0] + 1;
        Assert.Equal(0, task.HeldOutScore(0, answer));
    }
}

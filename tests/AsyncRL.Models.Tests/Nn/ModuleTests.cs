using AsyncRL.Models.Nn;

namespace AsyncRL.Models.Tests.Nn;

public sealed class ModuleTests
{
    private static Sequential NewMlp(ulong seed) => Mlp.Create([4, 8, 2], ActivationKind.Tanh, new Generator(seed));

    [Fact]
    public void NamedParameters_Sequential_UsesPyTorchDottedNames()
    {
        var names = NewMlp(1).NamedParameters().Select(p => p.Key).ToArray();
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], names);
        Assert.Equal(4 * 8 + 8 + 8 * 2 + 2, NewMlp(1).ParameterCount);
    }

    [Fact]
    public void Construction_SameSeed_BitIdentical_DifferentSeed_Differs()
    {
        var a = NewMlp(7).Parameters().SelectMany(p => p.ToArray()).ToArray();
        var b = NewMlp(7).Parameters().SelectMany(p => p.ToArray()).ToArray();
        var c = NewMlp(8).Parameters().SelectMany(p => p.ToArray()).ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void LoadStateDict_RoundTrip_CopiesValues()
    {
        var src = NewMlp(1);
        var dst = NewMlp(2);
        var result = dst.LoadStateDict(src.StateDict());
        Assert.Empty(result.Missing);
        Assert.Equal(src.Parameters().SelectMany(p => p.ToArray()), dst.Parameters().SelectMany(p => p.ToArray()));
    }

    [Fact]
    public void LoadStateDict_Strict_ListsMissingUnexpectedAndMisShaped_AndChangesNothing()
    {
        var dst = NewMlp(2);
        var before = dst.Parameters().SelectMany(p => p.ToArray()).ToArray();
        var state = new Dictionary<string, Tensor>(NewMlp(1).StateDict());
        state.Remove("2.bias");
        state["extra.weight"] = Tensor.Zeros(3);
        state["0.weight"] = Tensor.Zeros(8, 5);

        var ex = Assert.Throws<StateDictMismatchException>(() => dst.LoadStateDict(state));

        Assert.Contains("missing: 2.bias", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected: extra.weight", ex.Message, StringComparison.Ordinal);
        Assert.Contains("0.weight: expected [8, 4], got [8, 5]", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, dst.Parameters().SelectMany(p => p.ToArray()));
    }

    [Fact]
    public void LoadStateDict_NonStrict_ReportsMissingAndLoadsTheRest()
    {
        var src = NewMlp(1);
        var dst = NewMlp(2);
        var state = new Dictionary<string, Tensor>(src.StateDict());
        state.Remove("2.bias");
        var result = dst.LoadStateDict(state, strict: false);
        Assert.Equal(["2.bias"], result.Missing);
        Assert.Equal(src.StateDict()["0.weight"].ToArray(), dst.StateDict()["0.weight"].ToArray());
    }

    [Fact]
    public void PolyakUpdate_Tau_InterpolatesEveryParameter()
    {
        var online = NewMlp(1);
        var target = NewMlp(2);
        var t0 = target.Parameters().SelectMany(p => p.ToArray()).ToArray();
        var o = online.Parameters().SelectMany(p => p.ToArray()).ToArray();
        target.PolyakUpdate(online, 0.25f);
        var t1 = target.Parameters().SelectMany(p => p.ToArray()).ToArray();
        for (int i = 0; i < t1.Length; i++) Assert.Equal(0.25f * o[i] + 0.75f * t0[i], t1[i], 5);
        target.CopyFrom(online);
        Assert.Equal(o, target.Parameters().SelectMany(p => p.ToArray()));
    }

    [Fact]
    public void TrainEval_PropagatesToChildren()
    {
        var m = NewMlp(1);
        m.Eval();
        Assert.All(m.Layers, l => Assert.False(l.IsTraining));
        m.Train();
        Assert.All(m.Layers, l => Assert.True(l.IsTraining));
    }

    [Fact]
    public void LinearInit_Default_IsWithinKaimingBound_Orthogonal_IsOrthogonal()
    {
        var linear = new Linear(16, 32, new Generator(3));
        float bound = 1f / MathF.Sqrt(16);
        Assert.All(linear.Weight.ToArray(), w => Assert.InRange(w, -bound, bound));

        var ortho = new Linear(16, 32, new Generator(3), init: LinearInit.Orthogonal(MathF.Sqrt(2)));
        var w = ortho.Weight; // [32, 16]: columns orthonormal × gain
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 16; j++)
            {
                double dot = 0;
                for (int r = 0; r < 32; r++) dot += w[r, i] * w[r, j];
                Assert.Equal(i == j ? 2.0 : 0.0, dot, 4);
            }
        Assert.All(ortho.Bias!.ToArray(), b => Assert.Equal(0f, b));
    }
}

using AsyncRL.Models.Nn;
using AsyncRL.Models.Optim;
using static AsyncRL.Models.Tests.Golden.GoldenFixture;

namespace AsyncRL.Models.Tests.Golden;

/// <summary>Our engine against values PyTorch 1.13 computed (fixtures committed; regenerate with tests/golden/make_golden.py).</summary>
public sealed class PyTorchGoldenTests
{
    private static Sequential MlpLike(Generator rng, params Module<Tensor, Tensor>[] layers) => new(layers);

    private static void AssertGrads(Module module, GoldenFixture f, double rtol = 1e-4, double atol = 1e-5)
    {
        foreach (var (name, p) in module.NamedParameters())
            AssertClose(f["grad.p." + name], p.Grad!, "grad of " + name, rtol, atol);
    }

    [Fact]
    public void Mlp_ForwardAndGradients_MatchPyTorch()
    {
        var f = GoldenFixture.Load("mlp");
        var rng = new Generator(0);
        var mlp = MlpLike(rng, new Linear(4, 8, rng), new Activation(ActivationKind.Tanh), new Linear(8, 8, rng),
            new Activation(ActivationKind.Relu), new Linear(8, 3, rng));
        mlp.LoadStateDict(f.WithPrefix("p."));
        var x = f["in.x"].RequiresGrad_();
        var y = mlp.Forward(x);
        (y * f["in.w"]).Sum().Backward();
        AssertClose(f["out.y"], y, "y");
        AssertClose(f["grad.x"], x.Grad!, "grad x");
        AssertGrads(mlp, f);
    }

    [Fact]
    public void Adam_TenSteps_MatchPyTorch()
    {
        var f = GoldenFixture.Load("adam10");
        var rng = new Generator(0);
        var mlp = MlpLike(rng, new Linear(3, 16, rng), new Activation(ActivationKind.Tanh), new Linear(16, 2, rng));
        mlp.LoadStateDict(f.WithPrefix("p."));
        var opt = new Adam(mlp.Parameters(), learningRate: 1e-2f, eps: 1e-5f);
        var x = f["in.x"];
        var y = f["in.y"];
        for (int i = 0; i < 10; i++)
        {
            var loss = Losses.MseLoss(mlp.Forward(x), y);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
        foreach (var (name, p) in mlp.NamedParameters()) AssertClose(f["out.p." + name], p, name, rtol: 1e-3, atol: 1e-5);
    }

    [Fact]
    public void Losses_ValuesAndGradients_MatchPyTorch()
    {
        var f = GoldenFixture.Load("losses");
        var a = f["in.mse.a"].RequiresGrad_();
        var mse = Losses.MseLoss(a, f["in.mse.b"]);
        mse.Backward();
        AssertClose(f["out.mse"], mse, "mse");
        AssertClose(f["grad.mse.a"], a.Grad!, "mse grad");

        var h = f["in.huber.a"].RequiresGrad_();
        var huber = Losses.HuberLoss(h, f["in.mse.b"], 1f);
        huber.Backward();
        AssertClose(f["out.huber"], huber, "huber");
        AssertClose(f["grad.huber.a"], h.Grad!, "huber grad");

        var logits = f["in.ce.logits"].RequiresGrad_();
        var ce = Losses.CrossEntropy(logits, f.Ints("meta.ce.target"), ignoreIndex: -100);
        ce.Backward();
        AssertClose(f["out.ce"], ce, "cross-entropy");
        AssertClose(f["grad.ce.logits"], logits.Grad!, "cross-entropy grad");

        var z = f["in.bce.z"].RequiresGrad_();
        var bce = Losses.BinaryCrossEntropyWithLogits(z, f["in.bce.y"]);
        bce.Backward();
        AssertClose(f["out.bce"], bce, "bce");
        AssertClose(f["grad.bce.z"], z.Grad!, "bce grad");

        var s = f["in.logsig.x"].RequiresGrad_();
        var ls = Losses.LogSigmoid(s);
        ls.Sum().Backward();
        AssertClose(f["out.logsig"], ls, "log-sigmoid");
        AssertClose(f["grad.logsig.x"], s.Grad!, "log-sigmoid grad");
    }

    [Fact]
    public void Ops_GeluSoftmaxLayerNormAttention_MatchPyTorch()
    {
        var f = GoldenFixture.Load("ops");
        var x = f["in.x"].RequiresGrad_();
        var g = x.Gelu();
        (g * f["in.w"]).Sum().Backward();
        AssertClose(f["out.gelu"], g, "gelu");
        AssertClose(f["grad.gelu.x"], x.Grad!, "gelu grad");

        var x2 = f["in.x"].RequiresGrad_();
        var ls = x2.LogSoftmax(-1);
        (ls * f["in.w"]).Sum().Backward();
        AssertClose(f["out.logsoftmax"], ls, "log-softmax");
        AssertClose(f["grad.logsoftmax.x"], x2.Grad!, "log-softmax grad");
        AssertClose(f["out.softmax"], f["in.x"].Softmax(-1), "softmax");

        var (lx, gamma, beta) = (f["in.ln.x"].RequiresGrad_(), f["in.ln.gamma"].RequiresGrad_(), f["in.ln.beta"].RequiresGrad_());
        var ln = Functional.LayerNorm(lx, gamma, beta);
        (ln * f["in.ln.w"]).Sum().Backward();
        AssertClose(f["out.ln"], ln, "layer norm");
        AssertClose(f["grad.ln.x"], lx.Grad!, "layer norm grad x");
        AssertClose(f["grad.ln.gamma"], gamma.Grad!, "layer norm grad gamma");
        AssertClose(f["grad.ln.beta"], beta.Grad!, "layer norm grad beta");

        var (q, k, v) = (f["in.att.q"].RequiresGrad_(), f["in.att.k"].RequiresGrad_(), f["in.att.v"].RequiresGrad_());
        var att = Functional.ScaledDotProductAttention(q, k, v, causal: true);
        (att * f["in.att.w"]).Sum().Backward();
        AssertClose(f["out.att"], att, "attention");
        AssertClose(f["grad.att.q"], q.Grad!, "attention grad q");
        AssertClose(f["grad.att.k"], k.Grad!, "attention grad k");
        AssertClose(f["grad.att.v"], v.Grad!, "attention grad v");
    }

    [Fact]
    public void TinyGpt_LogitsLossAndGradients_MatchPyTorch()
    {
        var f = GoldenFixture.Load("tinygpt");
        var model = new TinyGpt(new TinyGptConfig(VocabSize: 32, ContextLength: 16, Dim: 32, Layers: 2, Heads: 4), new Generator(0));
        model.LoadStateDict(f.WithPrefix("p."));
        var logits = model.Forward(f.Ints("meta.idx"), batch: 2);
        var loss = Losses.CrossEntropy(logits.Reshape(-1, 32), f.Ints("meta.target"));
        loss.Backward();
        AssertClose(f["out.logits"], logits, "logits", rtol: 1e-3, atol: 1e-4);
        AssertClose(f["out.loss"], loss, "loss", rtol: 1e-4);
        AssertGrads(model, f, rtol: 1e-3, atol: 1e-5);
    }
}

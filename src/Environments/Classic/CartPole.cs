namespace AsyncRL.Environments.Classic;

/// <summary>
/// CartPole-v1 with Gymnasium's dynamics: Euler integration, τ = 0.02 s, force ±10 N, cart 1 kg,
/// pole 0.1 kg with half-length 0.5 m; terminates when |x| &gt; 2.4 or |θ| &gt; 12°, truncates at 500
/// steps; reward 1 per step; reset state ~ U(−0.05, 0.05)⁴. State is kept in double as Gymnasium does.
/// </summary>
public sealed class CartPole : IEnvironment
{
    private const double Gravity = 9.8;
    private const double MassCart = 1.0;
    private const double MassPole = 0.1;
    private const double TotalMass = MassCart + MassPole;
    private const double HalfLength = 0.5;
    private const double PoleMassLength = MassPole * HalfLength;
    private const double ForceMag = 10.0;
    private const double Tau = 0.02;
    private const double ThetaThreshold = 12 * 2 * Math.PI / 360;
    private const double XThreshold = 2.4;

    /// <summary>The registry entry.</summary>
    public static readonly EnvSpec DefaultSpec = new("cartpole", 4, 2, 500, 475f);

    private readonly Generator _rng;
    private double _x, _xDot, _theta, _thetaDot;
    private int _steps;

    /// <summary>Creates the environment with its own seeded generator.</summary>
    public CartPole(Generator rng) => _rng = rng ?? throw new ArgumentNullException(nameof(rng));

    /// <inheritdoc/>
    public EnvSpec Spec => DefaultSpec;

    /// <inheritdoc/>
    public void Reset(Span<float> observation)
    {
        _x = _rng.NextUniform(-0.05f, 0.05f);
        _xDot = _rng.NextUniform(-0.05f, 0.05f);
        _theta = _rng.NextUniform(-0.05f, 0.05f);
        _thetaDot = _rng.NextUniform(-0.05f, 0.05f);
        _steps = 0;
        Observe(observation);
    }

    /// <summary>Sets the physical state directly (tests pin trajectories from given states).</summary>
    internal void SetState(double x, double xDot, double theta, double thetaDot)
    {
        (_x, _xDot, _theta, _thetaDot) = (x, xDot, theta, thetaDot);
        _steps = 0;
    }

    /// <inheritdoc/>
    public StepResult Step(int action, Span<float> observation)
    {
        if ((uint)action > 1) throw new ArgumentOutOfRangeException(nameof(action), $"CartPole: action must be 0 or 1, got {action}.");
        double force = action == 1 ? ForceMag : -ForceMag;
        double cos = Math.Cos(_theta), sin = Math.Sin(_theta);
        double temp = (force + PoleMassLength * _thetaDot * _thetaDot * sin) / TotalMass;
        double thetaAcc = (Gravity * sin - cos * temp) / (HalfLength * (4.0 / 3.0 - MassPole * cos * cos / TotalMass));
        double xAcc = temp - PoleMassLength * thetaAcc * cos / TotalMass;
        _x += Tau * _xDot;
        _xDot += Tau * xAcc;
        _theta += Tau * _thetaDot;
        _thetaDot += Tau * thetaAcc;
        _steps++;
        Observe(observation);
        bool terminated = _x < -XThreshold || _x > XThreshold || _theta < -ThetaThreshold || _theta > ThetaThreshold;
        return new StepResult(1f, terminated, !terminated && _steps >= DefaultSpec.MaxEpisodeSteps);
    }

    private void Observe(Span<float> o)
    {
        o[0] = (float)_x;
        o[1] = (float)_xDot;
        o[2] = (float)_theta;
        o[3] = (float)_thetaDot;
    }
}

namespace AsyncRL.Environments.Classic;

/// <summary>
/// Acrobot-v1 with Gymnasium's dynamics ("book" equations of Sutton &amp; Barto): two unit links,
/// torque ∈ {−1, 0, +1} on the middle joint, one RK4 step of dt = 0.2 s, angles wrapped to [−π, π],
/// velocities clipped to 4π and 9π; terminates when −cos θ₁ − cos(θ₁ + θ₂) &gt; 1; reward −1 per step
/// (0 on the terminal one); truncates at 500; reset state ~ U(−0.1, 0.1)⁴. Observation
/// [cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂].
/// </summary>
public sealed class Acrobot : IEnvironment
{
    private const double Dt = 0.2;
    private const double L1 = 1.0, M1 = 1.0, M2 = 1.0, Lc1 = 0.5, Lc2 = 0.5, I1 = 1.0, I2 = 1.0, G = 9.8;
    private const double MaxVel1 = 4 * Math.PI, MaxVel2 = 9 * Math.PI;

    /// <summary>The registry entry (solved at −100, the usual threshold).</summary>
    public static readonly EnvSpec DefaultSpec = new("acrobot", 6, 3, 500, -100f);

    private readonly Generator _rng;
    private readonly double[] _s = new double[4];
    private int _steps;

    /// <summary>Creates the environment with its own seeded generator.</summary>
    public Acrobot(Generator rng) => _rng = rng ?? throw new ArgumentNullException(nameof(rng));

    /// <inheritdoc/>
    public EnvSpec Spec => DefaultSpec;

    /// <inheritdoc/>
    public void Reset(Span<float> observation)
    {
        for (int i = 0; i < 4; i++) _s[i] = _rng.NextUniform(-0.1f, 0.1f);
        _steps = 0;
        Observe(observation);
    }

    /// <summary>Sets [θ₁, θ₂, θ̇₁, θ̇₂] directly (tests pin trajectories from given states).</summary>
    internal void SetState(ReadOnlySpan<double> state)
    {
        state.CopyTo(_s);
        _steps = 0;
    }

    /// <inheritdoc/>
    public StepResult Step(int action, Span<float> observation)
    {
        if ((uint)action > 2) throw new ArgumentOutOfRangeException(nameof(action), $"Acrobot: action must be 0, 1 or 2, got {action}.");
        double torque = action - 1;
        Span<double> k1 = stackalloc double[4], k2 = stackalloc double[4], k3 = stackalloc double[4], k4 = stackalloc double[4], y = stackalloc double[4];
        Derivatives(_s, torque, k1);
        for (int i = 0; i < 4; i++) y[i] = _s[i] + Dt / 2 * k1[i];
        Derivatives(y, torque, k2);
        for (int i = 0; i < 4; i++) y[i] = _s[i] + Dt / 2 * k2[i];
        Derivatives(y, torque, k3);
        for (int i = 0; i < 4; i++) y[i] = _s[i] + Dt * k3[i];
        Derivatives(y, torque, k4);
        for (int i = 0; i < 4; i++) _s[i] += Dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        _s[0] = Wrap(_s[0]);
        _s[1] = Wrap(_s[1]);
        _s[2] = Math.Clamp(_s[2], -MaxVel1, MaxVel1);
        _s[3] = Math.Clamp(_s[3], -MaxVel2, MaxVel2);
        _steps++;
        Observe(observation);
        bool terminated = -Math.Cos(_s[0]) - Math.Cos(_s[1] + _s[0]) > 1.0;
        return new StepResult(terminated ? 0f : -1f, terminated, !terminated && _steps >= DefaultSpec.MaxEpisodeSteps);
    }

    private static void Derivatives(ReadOnlySpan<double> s, double a, Span<double> ds)
    {
        double theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3];
        double d1 = M1 * Lc1 * Lc1 + M2 * (L1 * L1 + Lc2 * Lc2 + 2 * L1 * Lc2 * Math.Cos(theta2)) + I1 + I2;
        double d2 = M2 * (Lc2 * Lc2 + L1 * Lc2 * Math.Cos(theta2)) + I2;
        double phi2 = M2 * Lc2 * G * Math.Cos(theta1 + theta2 - Math.PI / 2);
        double phi1 = -M2 * L1 * Lc2 * dtheta2 * dtheta2 * Math.Sin(theta2)
            - 2 * M2 * L1 * Lc2 * dtheta2 * dtheta1 * Math.Sin(theta2)
            + (M1 * Lc1 + M2 * L1) * G * Math.Cos(theta1 - Math.PI / 2) + phi2;
        double ddtheta2 = (a + d2 / d1 * phi1 - M2 * L1 * Lc2 * dtheta1 * dtheta1 * Math.Sin(theta2) - phi2)
            / (M2 * Lc2 * Lc2 + I2 - d2 * d2 / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        ds[0] = dtheta1;
        ds[1] = dtheta2;
        ds[2] = ddtheta1;
        ds[3] = ddtheta2;
    }

    // Gymnasium's wrap: shift by whole periods into [−π, π].
    private static double Wrap(double x)
    {
        const double diff = 2 * Math.PI;
        while (x > Math.PI) x -= diff;
        while (x < -Math.PI) x += diff;
        return x;
    }

    private void Observe(Span<float> o)
    {
        o[0] = (float)Math.Cos(_s[0]);
        o[1] = (float)Math.Sin(_s[0]);
        o[2] = (float)Math.Cos(_s[1]);
        o[3] = (float)Math.Sin(_s[1]);
        o[4] = (float)_s[2];
        o[5] = (float)_s[3];
    }
}

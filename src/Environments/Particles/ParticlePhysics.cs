namespace AsyncRL.Environments.Particles;

/// <summary>
/// The multi-agent particle environments' physics (Lowe et al. 2017; openai/multiagent-particle-envs,
/// <c>multiagent/core.py</c> and <c>environment.py</c>): point masses in the plane, velocity damped by 25 %
/// per step, semi-implicit Euler with dt = 0.1, an optional speed cap, and a soft contact force between
/// overlapping colliders. Small pure functions, in double as the reference computes in float64.
/// </summary>
public static class ParticlePhysics
{
    /// <summary>Simulation time step (<c>World.dt</c>).</summary>
    public const double Dt = 0.1;

    /// <summary>Fraction of velocity lost per step (<c>World.damping</c>).</summary>
    public const double Damping = 0.25;

    /// <summary>Contact stiffness (<c>World.contact_force</c>).</summary>
    public const double ContactStiffness = 1e2;

    /// <summary>Softness of the contact (<c>World.contact_margin</c>).</summary>
    public const double ContactMargin = 1e-3;

    /// <summary>The action scaling when an agent defines no acceleration (<c>sensitivity = 5.0</c>).</summary>
    public const double DefaultSensitivity = 5.0;

    /// <summary>Discrete actions: no-op, −x, +x, −y, +y (the reference's discrete action input).</summary>
    public const int ActionCount = 5;

    /// <summary>The control force u of a discrete action, scaled by the agent's sensitivity (its <c>accel</c>, else 5).</summary>
    public static (double X, double Y) ActionForce(int action, double sensitivity) => action switch
    {
        0 => (0, 0),
        1 => (-sensitivity, 0),
        2 => (sensitivity, 0),
        3 => (0, -sensitivity),
        4 => (0, sensitivity),
        _ => throw new ArgumentOutOfRangeException(nameof(action), $"Particle action must be in [0, {ActionCount}), got {action}."),
    };

    /// <summary>
    /// The penetration depth, softened: k·log(1 + exp(−(d − d_min)/k)) with k the contact margin. It is about
    /// d_min − d when the bodies overlap and decays to zero within a few k outside contact.
    /// </summary>
    public static double Penetration(double distance, double minDistance, double margin = ContactMargin) =>
        Softplus(-(distance - minDistance) / margin) * margin;

    /// <summary>
    /// The contact force on body a from body b, F = c·(p_a − p_b)/‖p_a − p_b‖·penetration (b feels −F), for
    /// bodies whose radii sum to <paramref name="minDistance"/>.
    /// </summary>
    public static (double X, double Y) ContactForce(double dx, double dy, double minDistance)
    {
        double distance = Math.Sqrt(dx * dx + dy * dy);
        // Exactly coincident centres have no direction (the reference divides by zero here); push neither way.
        if (distance == 0) return (0, 0);
        double scale = ContactStiffness * Penetration(distance, minDistance) / distance;
        return (dx * scale, dy * scale);
    }

    /// <summary>
    /// One integration step of a movable body: v ← v·(1 − damping) + F/m·dt, capped at <paramref name="maxSpeed"/>
    /// when given, then p ← p + v·dt.
    /// </summary>
    public static void Integrate(ref double px, ref double py, ref double vx, ref double vy, double fx, double fy, double mass, double? maxSpeed)
    {
        vx = vx * (1 - Damping) + fx / mass * Dt;
        vy = vy * (1 - Damping) + fy / mass * Dt;
        if (maxSpeed is { } max)
        {
            double speed = Math.Sqrt(vx * vx + vy * vy);
            if (speed > max)
            {
                vx = vx / speed * max;
                vy = vy / speed * max;
            }
        }
        px += vx * Dt;
        py += vy * Dt;
    }

    /// <summary>log(1 + eˣ) without overflow (numpy's <c>logaddexp(0, x)</c>).</summary>
    public static double Softplus(double x) => x > 0 ? x + Log1P(Math.Exp(-x)) : Log1P(Math.Exp(x));

    // log(1 + y) accurate for tiny y (Goldberg's trick): far from contact the force stays a tiny positive
    // number, as the reference's log1p gives, rather than rounding to zero.
    private static double Log1P(double y)
    {
        double u = 1 + y;
        return u == 1 ? y : Math.Log(u) * y / (u - 1);
    }
}

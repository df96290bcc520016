namespace AsyncRL.Environments.Particles;

/// <summary>One entity's fixed properties (<c>multiagent/core.py</c>'s Entity defaults: size 0.05, mass 1).</summary>
/// <param name="Size">Radius.</param>
/// <param name="Movable">Whether forces move it (agents do, landmarks do not).</param>
/// <param name="Collide">Whether it takes part in contact forces.</param>
/// <param name="MaxSpeed">Speed cap, or none.</param>
/// <param name="Accel">The agent's action scaling (the reference's <c>accel</c>), or none for the default 5.</param>
/// <param name="Mass">Mass.</param>
public sealed record ParticleBody(double Size, bool Movable, bool Collide, double? MaxSpeed = null, double? Accel = null, double Mass = 1.0)
{
    /// <summary>The control force's scale for this agent.</summary>
    public double Sensitivity => Accel ?? ParticlePhysics.DefaultSensitivity;
}

/// <summary>
/// The particles of one episode: agents first, then landmarks (the reference's <c>world.entities</c> order, which
/// fixes the order forces are summed in). <see cref="Step"/> advances one time step: control forces from the
/// agents' discrete actions, contact forces between every pair of colliders, then integration.
/// </summary>
public sealed class ParticleWorld
{
    private readonly ParticleBody[] _bodies;
    private readonly double[] _pos;
    private readonly double[] _vel;
    private readonly double[] _force;

    /// <summary>A world of these agents and landmarks, all at rest at the origin.</summary>
    public ParticleWorld(IReadOnlyList<ParticleBody> agents, IReadOnlyList<ParticleBody> landmarks)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(landmarks);
        if (agents.Count == 0) throw new ArgumentException("ParticleWorld: needs at least one agent.", nameof(agents));
        if (agents.Any(a => !a.Movable)) throw new ArgumentException("ParticleWorld: agents must be movable.", nameof(agents));
        _bodies = [.. agents, .. landmarks];
        AgentCount = agents.Count;
        _pos = new double[2 * _bodies.Length];
        _vel = new double[2 * _bodies.Length];
        _force = new double[2 * _bodies.Length];
    }

    /// <summary>Agents (entities 0 … AgentCount − 1).</summary>
    public int AgentCount { get; }

    /// <summary>Agents and landmarks.</summary>
    public int EntityCount => _bodies.Length;

    /// <summary>Landmark <paramref name="landmark"/>'s entity index.</summary>
    public int Landmark(int landmark) => AgentCount + landmark;

    /// <summary>An entity's properties.</summary>
    public ParticleBody Body(int entity) => _bodies[entity];

    /// <summary>An entity's position (x, y), live.</summary>
    public Span<double> Position(int entity) => _pos.AsSpan(2 * entity, 2);

    /// <summary>An entity's velocity (x, y), live.</summary>
    public Span<double> Velocity(int entity) => _vel.AsSpan(2 * entity, 2);

    /// <summary>Euclidean distance between two entities.</summary>
    public double Distance(int a, int b)
    {
        double dx = _pos[2 * a] - _pos[2 * b], dy = _pos[2 * a + 1] - _pos[2 * b + 1];
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>Whether two entities overlap (distance below the sum of radii; an entity overlaps itself, as in the reference).</summary>
    public bool IsCollision(int a, int b) => Distance(a, b) < _bodies[a].Size + _bodies[b].Size;

    /// <summary>Advances one step with one discrete action per agent (<see cref="ParticlePhysics.ActionForce"/>).</summary>
    public void Step(ReadOnlySpan<int> actions)
    {
        if (actions.Length != AgentCount) throw new ArgumentException($"ParticleWorld: {actions.Length} actions for {AgentCount} agents.", nameof(actions));
        Array.Clear(_force);
        for (int i = 0; i < AgentCount; i++)
            (_force[2 * i], _force[2 * i + 1]) = ParticlePhysics.ActionForce(actions[i], _bodies[i].Sensitivity);
        for (int a = 0; a < _bodies.Length; a++)
        {
            if (!_bodies[a].Collide) continue;
            for (int b = a + 1; b < _bodies.Length; b++)
            {
                if (!_bodies[b].Collide) continue;
                var (fx, fy) = ParticlePhysics.ContactForce(_pos[2 * a] - _pos[2 * b], _pos[2 * a + 1] - _pos[2 * b + 1], _bodies[a].Size + _bodies[b].Size);
                if (_bodies[a].Movable)
                {
                    _force[2 * a] += fx;
                    _force[2 * a + 1] += fy;
                }
                if (_bodies[b].Movable)
                {
                    _force[2 * b] -= fx;
                    _force[2 * b + 1] -= fy;
                }
            }
        }
        for (int e = 0; e < _bodies.Length; e++)
        {
            var body = _bodies[e];
            if (!body.Movable) continue;
            ParticlePhysics.Integrate(ref _pos[2 * e], ref _pos[2 * e + 1], ref _vel[2 * e], ref _vel[2 * e + 1],
                _force[2 * e], _force[2 * e + 1], body.Mass, body.MaxSpeed);
        }
    }

    /// <summary>Places an entity at rest at a uniform position in [−<paramref name="range"/>, <paramref name="range"/>)² (x drawn first).</summary>
    public void PlaceUniformly(int entity, double range, Generator rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        _pos[2 * entity] = range * (2 * rng.NextDouble() - 1);
        _pos[2 * entity + 1] = range * (2 * rng.NextDouble() - 1);
        _vel[2 * entity] = 0;
        _vel[2 * entity + 1] = 0;
    }
}

using Akka.Actor;
using Akka.Configuration;
using Akka.Pattern;
using Akka.TestKit;
using AsyncRL.Actors.Rollout;

namespace AsyncRL.Actors.Tests.Rollout;

/// <summary>
/// The rollout actors' supervision (<see cref="RolloutSupervision"/>, <see cref="RolloutGroup"/>) on Akka's
/// TestKit, with a virtual clock: a faulted incarnation is replaced after an exponentially growing delay, the
/// delay is reset once an incarnation made progress, messages reach the current incarnation, and a fault in
/// one slot leaves the others alone.
/// </summary>
public sealed class RolloutBackoffTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config VirtualTime = ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        asyncrl.rollout-dispatcher { type = PinnedDispatcher, throughput = 100 }
        akka.loglevel = WARNING
        """);

    private static readonly BackoffOptions Restart = new() { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(10) };

    public RolloutBackoffTests()
        : base(VirtualTime)
    {
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    /// <summary>Faults the current incarnation and waits until its supervisor has scheduled restart number <paramref name="restarts"/>.</summary>
    private void Fault(IActorRef supervisor, int restarts)
    {
        supervisor.Tell("fault");
        AwaitCondition(() => supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, RemainingOrDefault).Result.Count == restarts);
    }

    [Fact]
    public void ForSlot_IncarnationKeepsFaulting_EachRestartWaitsLongerThanTheOne_Before()
    {
        var supervisor = Sys.ActorOf(RolloutSupervision.ForSlot(Props.Create(() => new Incarnation(TestActor, "slot")), Restart));
        ExpectMsg("slot started");

        // Fault 1: back after about 100 ms (±20 %), not before 80.
        Fault(supervisor, 1);
        Clock.Advance(TimeSpan.FromMilliseconds(79));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromMilliseconds(42));
        ExpectMsg("slot started");

        // Fault 2: about 200 ms; fault 3: about 400 ms, so not yet at 300.
        Fault(supervisor, 2);
        Clock.Advance(TimeSpan.FromMilliseconds(241));
        ExpectMsg("slot started");
        Fault(supervisor, 3);
        Clock.Advance(TimeSpan.FromMilliseconds(300));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromMilliseconds(181));
        ExpectMsg("slot started");
    }

    [Fact]
    public void ForSlot_IncarnationMadeProgress_NextFaultRestartsAfterTheShortestDelayAgain()
    {
        var supervisor = Sys.ActorOf(RolloutSupervision.ForSlot(Props.Create(() => new Incarnation(TestActor, "slot")), Restart));
        ExpectMsg("slot started");
        for (int i = 0; i < 3; i++)
        {
            Fault(supervisor, i + 1);
            Clock.Advance(TimeSpan.FromSeconds(2));
            ExpectMsg("slot started");
        }

        supervisor.Tell("progress"); // the incarnation pushed a fragment: it tells its supervisor to reset
        ExpectMsg("slot progressed");
        Fault(supervisor, 1); // the count starts again
        Clock.Advance(TimeSpan.FromMilliseconds(121));

        ExpectMsg("slot started");
    }

    [Fact]
    public void RolloutGroup_OneSlotFaults_OnlyThatSlotRestarts_AndMessagesReachTheNewIncarnation()
    {
        ActorSlot[] slots = [new(0, "n/0", null!), new(1, "n/1", null!)];
        Sys.ActorOf(RolloutGroup.Props(slots, slot => Props.Create(() => new Incarnation(TestActor, slot.ActorId)), Restart), "group");
        ExpectMsgAllOf(["n/0 started", "n/1 started"]);

        Fault(slots[0].Actor, 1);
        Clock.Advance(TimeSpan.FromMilliseconds(121));
        ExpectMsg("n/0 started");
        slots[0].Actor.Tell("ping");
        slots[1].Actor.Tell("ping");

        ExpectMsgAllOf(["n/0 pong 1", "n/1 pong 0"]); // slot 0 answers from its second incarnation, slot 1 from its first
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>A stand-in incarnation: reports its start, throws on "fault", resets its supervisor on "progress".</summary>
    private sealed class Incarnation : ReceiveActor
    {
        private static readonly Dictionary<string, int> StartsByName = [];
        private readonly IActorRef _probe;
        private readonly string _name;

        public Incarnation(IActorRef probe, string name)
        {
            (_probe, _name) = (probe, name);
            Receive<string>(m => m == "fault", _ => throw new InvalidOperationException("scripted fault"));
            Receive<string>(m => m == "progress", _ =>
            {
                Context.Parent.Tell(BackoffSupervisor.Reset.Instance);
                _probe.Tell($"{_name} progressed");
            });
            Receive<string>(m => m == "ping", _ => _probe.Tell($"{_name} pong {Starts(_name) - 1}"));
            Record(_name);
        }

        protected override void PreStart() => _probe.Tell($"{_name} started");

        private static void Record(string name)
        {
            lock (StartsByName) StartsByName[name] = StartsByName.GetValueOrDefault(name) + 1;
        }

        private static int Starts(string name)
        {
            lock (StartsByName) return StartsByName[name];
        }
    }
}

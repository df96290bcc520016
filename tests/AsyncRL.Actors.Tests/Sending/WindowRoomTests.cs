using AsyncRL.Actors.Sending;

namespace AsyncRL.Actors.Tests.Sending;

public sealed class WindowRoomTests
{
    [Fact]
    public void TryTake_WhenFull_RefusesAndCallsBackOnceAPlaceIsGiven()
    {
        var room = new WindowRoom(2);
        int woken = 0;
        Assert.True(room.TryTake(() => woken++));
        Assert.True(room.TryTake(() => woken++));

        bool third = room.TryTake(() => woken++);
        int beforeGive = woken;
        room.Give();

        Assert.False(third);
        Assert.Equal(0, beforeGive);
        Assert.Equal(1, woken);
        Assert.Equal(1, room.Free);
        Assert.True(room.TryTake(() => woken++));
    }

    [Fact]
    public void Give_WithNoWaiter_OnlyFreesAPlace()
    {
        var room = new WindowRoom(1);
        Assert.True(room.TryTake(() => throw new InvalidOperationException("no wait expected")));

        room.Give();
        room.Give();

        Assert.Equal(2, room.Free);
    }

    [Fact]
    public void TryTake_WaitsAgain_TheLatestCallbackIsTheOneCalled()
    {
        var room = new WindowRoom(1);
        var calls = new List<string>();
        room.TryTake(() => calls.Add("taken"));

        room.TryTake(() => calls.Add("first"));
        room.TryTake(() => calls.Add("second"));
        room.Give();
        room.Give();

        Assert.Equal(["second"], calls);
    }
}

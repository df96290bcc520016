using AsyncRL.Actors.Sending;

namespace AsyncRL.Actors.Tests.Sending;

public sealed class WindowRoomTests
{
    [Fact]
    public async Task Take_WhenFull_BlocksUntilAPlaceIsGiven()
    {
        var room = new WindowRoom(2);
        room.Take(CancellationToken.None);
        room.Take(CancellationToken.None);
        var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var third = new Thread(() => { room.Take(CancellationToken.None); taken.SetResult(); });

        third.Start();
        await Task.Delay(100);
        bool blocked = !taken.Task.IsCompleted;
        room.Give();
        await taken.Task.Within();

        Assert.True(blocked);
        Assert.Equal(0, room.Free);
        third.Join();
    }

    [Fact]
    public async Task Take_CancelledWhileWaiting_ThrowsAndTakesNothing()
    {
        var room = new WindowRoom(1);
        room.Take(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiter = new Thread(() =>
        {
            try
            {
                room.Take(cts.Token);
                outcome.SetResult(null);
            }
            catch (Exception ex)
            {
                outcome.SetResult(ex);
            }
        });

        waiter.Start();
        await Task.Delay(50);
        await cts.CancelAsync();
        var thrown = await outcome.Task.Within();

        Assert.IsAssignableFrom<OperationCanceledException>(thrown);
        room.Give();
        Assert.Equal(1, room.Free);
        waiter.Join();
    }
}

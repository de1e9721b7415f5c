using System.IO.Pipes;

namespace Hoard.Cli.Tests;

public class StopWithParentTests
{
    [Fact]
    public async Task CompletesOnlyWhenTheWriteEndCloses()
    {
        using var parent = new AnonymousPipeServerStream(PipeDirection.Out);
        using var child = new AnonymousPipeClientStream(PipeDirection.In, parent.ClientSafePipeHandle);

        var gone = StopWithParent.WhenInputEndsAsync(child);
        parent.Write("bytes a node ignores"u8);
        parent.Flush();
        await Task.Delay(200);
        Assert.False(gone.IsCompleted);

        parent.Dispose();
        await gone.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void WithoutTheVariableANodeNeverStopsForItsInput()
    {
        Assert.Null(Environment.GetEnvironmentVariable(StopWithParent.Variable));
        Assert.False(StopWithParent.WhenParentGoneAsync().IsCompleted);
    }
}

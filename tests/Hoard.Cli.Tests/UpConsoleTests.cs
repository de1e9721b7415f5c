namespace Hoard.Cli.Tests;

public class UpConsoleTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TypedCommandsRunInOrderAndUnknownOrEmptyLinesDoNot()
    {
        var ran = new List<string>();
        var output = new StringWriter();
        var console = new UpConsole(new StringReader("status\n\n  add-node  \nfrobnicate\nSTATUS\n"), output)
            .Add("add-node", "adds a node", _ => Record(ran, "add-node"))
            .Add("status", "prints the table", _ => Record(ran, "status"));

        await console.RunAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(["status", "add-node", "status"], ran);
        Assert.Equal($"unknown command 'frobnicate'. Type add-node, status or help.{Environment.NewLine}", output.ToString());
    }

    [Fact]
    public async Task HelpListsTheCommands()
    {
        var output = new StringWriter();
        var console = new UpConsole(new StringReader("help\n"), output).Add("status", "prints the table", _ => Task.CompletedTask);

        await console.RunAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.Equal($"  status     prints the table{Environment.NewLine}  help       this list{Environment.NewLine}", output.ToString());
    }

    [Fact]
    public async Task AFailedCommandSaysWhyAndTheNextLineIsRead()
    {
        var ran = new List<string>();
        var output = new StringWriter();
        var console = new UpConsole(new StringReader("add-node\nstatus\n"), output)
            .Add("add-node", "adds a node", _ => throw new CommandFailedException("no free port"))
            .Add("status", "prints the table", _ => Record(ran, "status"));

        await console.RunAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(["status"], ran);
        Assert.Equal($"add-node failed: no free port{Environment.NewLine}", output.ToString());
    }

    [Fact]
    public async Task TheEndOfTheInputEndsOnlyTheReading()
    {
        var console = new UpConsole(new StringReader(""), TextWriter.Null).Add("status", "prints the table", _ => Task.CompletedTask);

        await console.RunAsync(CancellationToken.None).WaitAsync(Bound);
    }

    [Fact]
    public async Task StoppingEndsAReadThatWaitsForALine()
    {
        using var blocked = new BlockingReader();
        using var stopping = new CancellationTokenSource();
        var running = new UpConsole(blocked, TextWriter.Null).RunAsync(stopping.Token);

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(Bound));
    }

    private static Task Record(List<string> ran, string name)
    {
        ran.Add(name);
        return Task.CompletedTask;
    }

    /// <summary>A reader whose ReadLine blocks until disposed, as a terminal's does until a line is typed.</summary>
    private sealed class BlockingReader : TextReader
    {
        private readonly ManualResetEventSlim _released = new();

        public override string? ReadLine()
        {
            _released.Wait();
            return null;
        }

        protected override void Dispose(bool disposing)
        {
            _released.Set();
            base.Dispose(disposing);
        }
    }
}

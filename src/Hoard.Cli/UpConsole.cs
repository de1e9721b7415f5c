namespace Hoard.Cli;

/// <summary>
/// The lines an operator types into a <c>hoard up</c> run from a terminal: one command a line (<c>help</c> lists
/// them), run one at a time; an unknown line gets a one-line hint, a command that fails says why and the next line
/// is read. The end of the input ends the reading only, never <c>hoard up</c>.
/// </summary>
/// <param name="input">Where the lines come from.</param>
/// <param name="output">Where the hints, the help and failures go.</param>
internal sealed class UpConsole(TextReader input, TextWriter output)
{
    private readonly List<(string Name, string Help, Func<CancellationToken, Task> Run)> _commands = [];

    /// <summary>Adds the command typed as <paramref name="name"/>.</summary>
    public UpConsole Add(string name, string help, Func<CancellationToken, Task> run)
    {
        _commands.Add((name, help, run));
        return this;
    }

    /// <summary>The line that tells which commands there are.</summary>
    public string Hint => $"Type {string.Join(", ", _commands.Select(c => c.Name))} or help.";

    /// <summary>Reads and runs lines until the input ends or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <exception cref="OperationCanceledException">It was cancelled.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            var word = line.Trim();
            if (word.Length == 0)
            {
                continue;
            }

            if (word.Equals("help", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var (name, help, _) in _commands)
                {
                    output.WriteLine($"  {name,-10} {help}");
                }

                output.WriteLine($"  {"help",-10} this list");
                continue;
            }

            var command = _commands.FirstOrDefault(c => c.Name.Equals(word, StringComparison.OrdinalIgnoreCase));
            if (command.Run is null)
            {
                output.WriteLine($"unknown command '{word}'. {Hint}");
                continue;
            }

            try
            {
                await command.Run(cancellationToken).ConfigureAwait(false);
            }
            catch (CommandFailedException e)
            {
                output.WriteLine($"{command.Name} failed: {e.Message}");
            }
        }
    }

    /// <summary>
    /// The next line, or null at the end of the input (or when it cannot be read). A console's ReadLine blocks and
    /// takes no token, so it runs on a thread of its own, left blocked when <c>hoard up</c> stops first (a background
    /// thread: it does not keep the process alive).
    /// </summary>
    private Task<string?> ReadLineAsync(CancellationToken cancellationToken) => Task.Factory.StartNew(
        () =>
        {
            try
            {
                return input.ReadLine();
            }
            catch (IOException)
            {
                return null;
            }
        },
        CancellationToken.None,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default).WaitAsync(cancellationToken);
}

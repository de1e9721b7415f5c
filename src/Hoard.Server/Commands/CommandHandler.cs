namespace Hoard.Server.Commands;

/// <summary>Executes one command: reads <see cref="CommandContext.Args"/> and writes the reply.</summary>
public delegate void CommandHandler(ref CommandContext context);

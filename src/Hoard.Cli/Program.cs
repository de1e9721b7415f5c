using Hoard.Cli;

return await HoardCommand.RunAsync(args).ConfigureAwait(false);

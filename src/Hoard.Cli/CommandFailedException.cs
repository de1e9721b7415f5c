namespace Hoard.Cli;

/// <summary>
/// An operator command that could not do its work: a node that does not answer, is not in cluster mode or not
/// empty, a cluster that did not form in time. The message says which node and why.
/// </summary>
internal sealed class CommandFailedException(string message) : Exception(message);

namespace Hoard.Cli;

/// <summary>A configuration file or flag that cannot be used; the message says which and why.</summary>
internal sealed class ConfigurationException(string message) : Exception(message);

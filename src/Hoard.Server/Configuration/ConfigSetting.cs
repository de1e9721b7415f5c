namespace Hoard.Server.Configuration;

/// <summary>
/// One redis.conf setting: its name, how to read it, and how to change it (null when it can be given only at
/// start). Used alike by config files, <c>hoard serve --name value</c> flags and CONFIG GET/SET.
/// </summary>
/// <param name="Name">The redis.conf name, lower case.</param>
/// <param name="Get">Current value as CONFIG GET prints it.</param>
/// <param name="Set">Applies a value; returns an error text (without "ERR") or null on success.</param>
/// <param name="Mutable">Whether CONFIG SET may change it on a running node.</param>
public sealed record ConfigSetting(string Name, Func<ServerOptions, HoardServer?, string> Get,
    Func<ServerOptions, HoardServer?, string, string?> Set, bool Mutable);

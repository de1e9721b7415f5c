// KestrelProbe: a RESP node on Kestrel's ConnectionHandler, for comparing transports (issue 3).
//
//   dotnet bench/KestrelProbe/bin/Release/net10.0/KestrelProbe.dll --port 7000 [--direct]
//
// Default: every command goes through Hoard.Server's CommandDispatcher against a HoardServer's Keyspace — the very
// code `hoard serve` runs per command (RespReader, dispatcher, statistics, GET/SET handlers, engine); only the
// transport differs. The HoardServer is constructed but never started, so it listens nowhere.
// --direct: GET and SET only, straight to Database.Get/Set (no command table, no per-command statistics), to see
// what the dispatcher costs. Either way every complete command of a receive runs before one flush, as in hoard.
using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using Hoard.Protocol;
using Hoard.Server;
using Hoard.Server.Connections;
using Hoard.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

var port = 7000;
var direct = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length:
            port = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--direct":
            direct = true;
            break;
        default:
            Console.Error.WriteLine($"usage: KestrelProbe [--port N] [--direct] (unknown: {args[i]})");
            return 2;
    }
}

await using var node = new HoardServer(new ServerOptions { Port = port }, NullLoggerFactory.Instance);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Services.AddSingleton(node);
builder.Services.AddSingleton(new ProbeMode(direct));
builder.WebHost.ConfigureKestrel(o => o.ListenLocalhost(port, l => l.UseConnectionHandler<RespHandler>()));
await using var app = builder.Build();
await app.StartAsync();
Console.WriteLine($"KestrelProbe listening on 127.0.0.1:{port} ({(direct ? "direct GET/SET" : "Hoard dispatcher")})");
// Ctrl+C and SIGTERM stop the host (its console lifetime), which ends this wait.
await app.WaitForShutdownAsync();
return 0;

internal sealed record ProbeMode(bool Direct);

/// <summary>One client: Kestrel's transport pipe read and written directly (no NetworkStream adapter).</summary>
internal sealed class RespHandler(HoardServer node, ProbeMode mode) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var reader = new RespReader(node.ReaderOptions);
        using var command = new CommandBuffer();
        var session = new ClientSession(connection.RemoteEndPoint, connection.LocalEndPoint, authenticated: true);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
                var buffer = result.Buffer;
                var close = Process(ref buffer, reader, command, session, output);
                input.AdvanceTo(buffer.Start, buffer.End);
                var flushed = await output.FlushAsync(connection.ConnectionClosed).ConfigureAwait(false);
                if (close || flushed.IsCompleted || result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionResetException or IOException)
        {
            // The client went away.
        }
    }

    private bool Process(ref ReadOnlySequence<byte> buffer, RespReader reader, CommandBuffer command, ClientSession session, PipeWriter output)
    {
        var writer = new RespWriter(output, session.Protocol);
        try
        {
            while (!session.CloseRequested)
            {
                if (!reader.TryRead(ref buffer, command, out var error))
                {
                    if (!error.IsError)
                    {
                        return false;
                    }

                    if (error.HasReply)
                    {
                        writer.WriteError(in error);
                    }

                    return true;
                }

                if (mode.Direct)
                {
                    ExecuteDirect(command, session, ref writer);
                }
                else
                {
                    node.Dispatcher.Execute(session, command, ref writer);
                }
            }

            return true;
        }
        finally
        {
            writer.Commit();
        }
    }

    private void ExecuteDirect(CommandBuffer command, ClientSession session, ref RespWriter writer)
    {
        var db = node.Keyspace[session.Database];
        if (command.NameEquals("GET"u8) && command.Count == 2)
        {
            var sink = new Sink(writer);
            var status = db.Get(command[1], ref sink);
            writer = sink.Writer;
            if (status != StorageStatus.Ok)
            {
                writer.WriteNull();
            }
        }
        else if (command.NameEquals("SET"u8) && command.Count == 3)
        {
            db.Set(command[1], command[2]);
            writer.WriteOk();
        }
        else if (command.NameEquals("PING"u8))
        {
            writer.WriteSimpleString("PONG"u8);
        }
        else
        {
            // CONFIG etc. from redis-benchmark's preamble, or anything else: let the real dispatcher answer.
            node.Dispatcher.Execute(session, command, ref writer);
        }
    }

    private ref struct Sink(RespWriter writer) : IValueSink
    {
        public RespWriter Writer = writer;

        public void Write(scoped ReadOnlySpan<byte> value) => Writer.WriteBulkString(value);
    }
}

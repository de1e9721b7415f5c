using System.Globalization;
using System.Net;
using Npgsql;

namespace Hoard.Samples.Catalog;

/// <summary>The catalogue in PostgreSQL: one table, made and filled on first use; a page query slow on purpose.</summary>
public sealed class ProductStore(string connectionString, TimeSpan queryDelay) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);
    private readonly SemaphoreSlim _schema = new(1, 1);
    private bool _ready;

    /// <summary>The product's page, or null when there is no such product. Throws while the database is down.</summary>
    public async Task<string?> PageAsync(int id, CancellationToken token)
    {
        await EnsureSchemaAsync(token);
        await using var command = _source.CreateCommand("SELECT name, price, pg_sleep(@delay) FROM products WHERE id = @id");
        command.Parameters.AddWithValue("delay", queryDelay.TotalSeconds);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(token);
        if (!await reader.ReadAsync(token))
        {
            return null;
        }

        var name = WebUtility.HtmlEncode(reader.GetString(0));
        var price = reader.GetDecimal(1).ToString("0.00", CultureInfo.InvariantCulture);
        return $"<html><body><h1>{name}</h1><p>Price: {price}</p><p>Product {id}</p></body></html>";
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        _schema.Dispose();
    }

    private async Task EnsureSchemaAsync(CancellationToken token)
    {
        if (Volatile.Read(ref _ready))
        {
            return;
        }

        await _schema.WaitAsync(token);
        try
        {
            if (!_ready)
            {
                await using var command = _source.CreateCommand("""
                    CREATE TABLE IF NOT EXISTS products (id int PRIMARY KEY, name text NOT NULL, price numeric(10, 2) NOT NULL);
                    INSERT INTO products SELECT i, 'Product ' || i, 10 + i FROM generate_series(1, 1000) AS i ON CONFLICT DO NOTHING;
                    """);
                await command.ExecuteNonQueryAsync(token);
                Volatile.Write(ref _ready, true);
            }
        }
        finally
        {
            _schema.Release();
        }
    }
}

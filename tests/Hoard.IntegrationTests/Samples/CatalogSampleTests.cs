using System.Diagnostics;
using System.Net;
using Hoard.IntegrationTests.Cluster;
using Npgsql;

namespace Hoard.IntegrationTests.Samples;

/// <summary>
/// The catalogue sample on a real Hoard cluster and a real PostgreSQL: pages from the cache, kept up while the database
/// is down and fresh again once it is back; a session cart that survives its primary's failover.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(LocalCluster.Collection)]
public class CatalogSampleTests
{
    [Fact]
    public async Task PagesAreCachedStayUpWhileTheDatabaseIsDownAndFreshenOnceItIsBack()
    {
        await using var postgres = await Postgres.StartAsync();
        await using var cluster = await LocalCluster.StartAsync();
        await cluster.FormAsync();
        await using var app = await StartAsync(postgres, cluster, "--Catalog:PageSeconds", "1", "--Catalog:RetrySeconds", "1");
        using var http = new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(30) };

        var first = await GetAsync(http, "/products/7");
        Assert.Contains("<h1>Product 7</h1>", first.Body, StringComparison.Ordinal);
        Assert.Contains("Price: 17.00", first.Body, StringComparison.Ordinal);
        var again = await GetAsync(http, "/products/7");
        Assert.Equal(first.Body, again.Body);
        Assert.True(again.Elapsed < first.Elapsed, $"cached {again.Elapsed.TotalMilliseconds} ms, first {first.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/products/5000")).StatusCode);

        await postgres.StopAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, (await http.GetAsync("/products/7/uncached")).StatusCode);
        await Task.Delay(1500); // the page is past its second of freshness: fail-safe keeps it up
        for (var i = 0; i < 5; i++)
        {
            var stale = await GetAsync(http, "/products/7");
            Assert.Equal(first.Body, stale.Body);
        }

        await postgres.StartAgainAsync();
        await using (var database = new NpgsqlConnection(postgres.ConnectionString))
        {
            await database.OpenAsync();
            await using var update = new NpgsqlCommand("UPDATE products SET price = 99.50 WHERE id = 7", database);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        await LocalCluster.WaitUntilAsync(async () => (await GetAsync(http, "/products/7")).Body.Contains("Price: 99.50", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASessionCartSurvivesItsPrimaryFailingOver()
    {
        await using var postgres = await Postgres.StartAsync();
        await using var cluster = await PrimaryFailoverTests.StartThreeShardsWithReplicasAsync();
        await using var app = await StartAsync(postgres, cluster);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal("1", await (await http.PostAsync("/cart/1", null)).Content.ReadAsStringAsync());
        Assert.Equal("1,2", await (await http.PostAsync("/cart/2", null)).Content.ReadAsStringAsync());

        // Kill the primary that holds the session (nodes 0-2 are the primaries).
        var holder = -1;
        for (var i = 0; i < 3 && holder < 0; i++)
        {
            if (await cluster.CallAsync(i, "KEYS", "catalog:*") is object?[] { Length: > 0 })
            {
                holder = i;
            }
        }

        Assert.True(holder >= 0, "no primary holds the session");
        cluster.Kill(holder);

        var watch = Stopwatch.StartNew();
        var cart = await (await http.GetAsync("/cart")).Content.ReadAsStringAsync();
        Assert.True(cart == "1,2", $"the cart after the failover: '{cart}' after {watch.ElapsedMilliseconds} ms\n{app.Output}");
        Assert.Equal("1,2,3", await (await http.PostAsync("/cart/3", null)).Content.ReadAsStringAsync());
    }

    private static async Task<(string Body, TimeSpan Elapsed)> GetAsync(HttpClient http, string path)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return (body, watch.Elapsed);
    }

    private static Task<CatalogProcess> StartAsync(Postgres postgres, LocalCluster cluster, params string[] settings) =>
        CatalogProcess.StartAsync(postgres.ConnectionString, string.Join(',', cluster.Endpoints), settings);
}

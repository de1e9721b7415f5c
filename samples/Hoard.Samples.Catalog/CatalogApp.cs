using Hoard.Client;

namespace Hoard.Samples.Catalog;

/// <summary>
/// A product page whose query is slow on purpose (PostgreSQL's <c>pg_sleep</c>), served through Hoard.Client: from the
/// near cache, the cluster, or the database once per expiry however many ask at once; when the database is down, the
/// last page within the fail-safe grace period. A cart kept in the ASP.NET Core session, which lives in Hoard.
/// </summary>
public static class CatalogApp
{
    /// <summary>
    /// Builds the app. Settings: <c>ConnectionStrings:Catalog</c> (Npgsql), <c>Hoard:Configuration</c> (the cluster's
    /// nodes, default 127.0.0.1:7000-7002), <c>Catalog:PageSeconds</c> (how long a page is fresh, default 30),
    /// <c>Catalog:RetrySeconds</c> (while the database fails, how long the last page is served before it is asked
    /// again, default 5), <c>Catalog:QueryMs</c> (the query's deliberate slowness, default 50) and
    /// <c>Hoard:NearCache</c> (keep pages in the process too, default true).
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var settings = builder.Configuration;
        var pageFor = TimeSpan.FromSeconds(settings.GetValue("Catalog:PageSeconds", 30.0));
        builder.Services.AddSingleton(_ => new ProductStore(
            settings.GetConnectionString("Catalog") ?? throw new InvalidOperationException("ConnectionStrings:Catalog is not set"),
            TimeSpan.FromMilliseconds(settings.GetValue("Catalog:QueryMs", 50))));
        builder.Services.AddHoard(o =>
        {
            o.Configuration = settings["Hoard:Configuration"] ?? "127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002";
            o.KeyPrefix = "catalog:";
            o.NearCache = settings.GetValue("Hoard:NearCache", true);
        });
        builder.Services.AddSession(o => o.IdleTimeout = TimeSpan.FromMinutes(20));

        var app = builder.Build();
        app.UseSession();
        var pageOptions = new HoardEntryOptions
        {
            Duration = pageFor,
            FailSafeMaxDuration = TimeSpan.FromHours(1),
            FailSafeThrottleDuration = TimeSpan.FromSeconds(settings.GetValue("Catalog:RetrySeconds", 5.0)),
            FactorySoftTimeout = TimeSpan.FromMilliseconds(500),
            FactoryHardTimeout = TimeSpan.FromSeconds(5),
        };

        // The product page, cached.
        app.MapGet("/products/{id:int}", async (int id, IHoardCache cache, ProductStore store, CancellationToken token) =>
        {
            var page = await cache.GetOrSetAsync($"product-page:{id}", t => store.PageAsync(id, t), pageOptions, token);
            return page is null ? Results.NotFound() : Results.Text(page, "text/html");
        });

        // The same page straight from the database, for comparison.
        app.MapGet("/products/{id:int}/uncached", async (int id, ProductStore store, CancellationToken token) =>
            await store.PageAsync(id, token) is { } page ? Results.Text(page, "text/html") : Results.NotFound());

        // A cart in the session (the session lives in Hoard through IDistributedCache).
        app.MapPost("/cart/{id:int}", async (int id, HttpContext http) =>
        {
            await http.Session.LoadAsync(http.RequestAborted);
            var cart = http.Session.GetString("cart");
            http.Session.SetString("cart", string.IsNullOrEmpty(cart) ? $"{id}" : $"{cart},{id}");
            await http.Session.CommitAsync(http.RequestAborted);
            return Results.Text(http.Session.GetString("cart"));
        });
        app.MapGet("/cart", async (HttpContext http) =>
        {
            await http.Session.LoadAsync(http.RequestAborted);
            return Results.Text(http.Session.GetString("cart") ?? "");
        });
        return app;
    }
}

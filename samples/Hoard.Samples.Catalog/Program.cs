// The catalogue sample: `dotnet run --project samples/Hoard.Samples.Catalog -- --ConnectionStrings:Catalog "Host=…"`
// with a Hoard cluster from `hoard up` (see samples/README.md).
await Hoard.Samples.Catalog.CatalogApp.Build(args).RunAsync();

// What this machine can do with Kestrel alone: no middleware, no logging, one route that answers
// 204. bench/run.sh measures it in the same rounds as every OrgKeys row, so each row has a ratio to
// the ceiling that does not move with the machine's load. Kestrel settings match OrgKeys' defaults
// that change the bytes on the wire (no Server header).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
var app = builder.Build();
app.MapGet("/", () => Results.NoContent());
await app.RunAsync();

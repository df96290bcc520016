using System.Diagnostics;
using System.Net;
using AsyncRL.Learner.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncRL.Learner.Tests.Telemetry;

public sealed class OtlpExportTests
{
    [Fact]
    public void Configure_WithoutAnEndpoint_ExportsNothing()
    {
        using var export = LearnerTelemetry.Configure(environment: _ => null);

        Assert.False(export.Enabled);
    }

    [Fact]
    public void Configure_SdkDisabled_ExportsNothing()
    {
        var env = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:1", ["OTEL_SDK_DISABLED"] = "true" };
        using var export = LearnerTelemetry.Configure(environment: k => env.GetValueOrDefault(k));

        Assert.False(export.Enabled);
    }

    [Fact]
    public async Task Configure_HttpProtobufEndpoint_SendsTheLearnersSpansToV1Traces()
    {
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await StartReceiverAsync(received);
        var env = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "learner-under-test",
        };
        using var instrumentation = new LearnerInstrumentation();

        using (var export = LearnerTelemetry.Configure(environment: k => env.GetValueOrDefault(k)))
        {
            using (instrumentation.ActivitySource.StartActivity("update")) { }
            Assert.True(export.Enabled);
            Assert.True(export.ForceFlush(10_000));
        }
        var path = await received.Task.Within();

        Assert.Equal("/v1/traces", path);
    }

    // A minimal OTLP/HTTP collector: accepts export requests and answers with an empty (valid) response.
    private static async Task<WebApplication> StartReceiverAsync(TaskCompletionSource<string> received)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.UseRouting();
        app.MapPost("/v1/metrics", context =>
        {
            context.Response.ContentType = "application/x-protobuf";
            return Task.CompletedTask;
        });
        app.MapPost("/v1/traces", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            if (body.Length > 0) received.TrySetResult(context.Request.Path);
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync().Within();
        return app;
    }
}

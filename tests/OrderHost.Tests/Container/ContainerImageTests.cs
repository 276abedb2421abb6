using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using OrderHost.Host;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Container;

/// <summary>
/// What the Dockerfile's image would run, without a container engine (none runs on this machine): the
/// host published as the build stage publishes it, started as the runtime stage starts it — its
/// <c>ENTRYPOINT</c>, exactly its environment (base image + <c>ENV</c>), its unprivileged <c>USER</c> — against
/// a real nats-server; its JSON logs, its <c>HEALTHCHECK</c> command and its SIGTERM exit.
/// </summary>
[TestFixture]
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class ContainerImageTests : NatsServerFixture
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CompletionTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    // Host__ShutdownTimeout defaults to 30 s; the wait bounds a hang, it does not time the stop.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);

    private static readonly string[] ExpectedEntrypoint = ["dotnet", "OrderHost.dll"];
    private static readonly string[] ExpectedProbe = ["dotnet", "OrderHost.dll", "--probe"];
    private static readonly string[] LogFields = ["Timestamp", "LogLevel", "Category", "Message"];

    private ContainerImageSpec? _spec;
    private string? _root;
    private string? _app;
    private (int Uid, int Gid) _user;
    private int _port;
    private Dictionary<string, string?> _environment = [];
    private HostProcess? _host;
    private OrderApiClient? _api;

    private ContainerImageSpec Spec => _spec ?? throw new InvalidOperationException("The Dockerfile was not read.");

    private HostProcess Child => _host ?? throw new InvalidOperationException("The host process was not started.");

    private OrderApiClient Api => _api ?? throw new InvalidOperationException("The host process was not started.");

    [OneTimeSetUp]
    public async Task PublishAndStartAsImageWouldAsync()
    {
        _spec = ContainerImageSpec.FromRepository();
        _root = Path.Combine(Path.GetTempPath(), $"orderhost-container-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
        ContainerPublish.MakeTraversable(_root);

        var clock = Stopwatch.StartNew();
        var publish = await PublishedBuild.GetDirectoryAsync();
        var published = clock.Elapsed;

        // COPY --from=build /app ./ in WORKDIR /app: the image's user may read and run it, not change it.
        _app = Path.Combine(_root, "app");
        ContainerPublish.CopyReadableByAll(publish, _app);
        _user = UnixUser.Effective(ContainerBaseImage.ResolveUser(Spec.User ?? throw new AssertionException("The Dockerfile's runtime stage has no USER.")));
        var home = ContainerPublish.PrivateDirectoryFor(Path.Combine(_root, "home"), _user);
        _port = FreePort.OnLoopback();
        _environment = ContainerEnvironment(home);

        clock.Restart();
        _host = await HostProcess.StartAsync(Launch("container", Entrypoint()), HostReadiness.Live, StartTimeout, _port);
        _api = new OrderApiClient(Child.BaseAddress);
        TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"published in {published.TotalSeconds:0} s; started as uid {_user.Uid} (root: {UnixUser.IsRoot}), live after {clock.Elapsed.TotalSeconds:0.0} s, pid {Child.Id}"));
    }

    [OneTimeTearDown]
    public async Task StopAndDeleteAsync()
    {
        if (_host is not null)
        {
            if (!_host.HasExited)
            {
                _host.Terminate();
                await _host.WaitForExitAsync(StopTimeout);
            }

            await _host.DisposeAsync();
        }

        _api?.Dispose();
        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Test]
    [Order(1)]
    public void The_runtime_stage_listens_probes_and_exposes_one_port_and_logs_json()
    {
        var listenPort = ContainerImageSpec.PortOfUrl(Spec.Environment["ASPNETCORE_URLS"]);
        var probeTarget = Spec.HealthcheckCommand[^1];
        var probeUrl = new Uri(probeTarget.StartsWith('/') ? HealthProbe.LocalAddress(Spec.Environment["ASPNETCORE_URLS"]) + probeTarget : probeTarget);
        TestContext.Out.WriteLine(
            $"FROM {Spec.BaseImage}; WORKDIR {Spec.WorkingDirectory}; USER {Spec.User}; EXPOSE {string.Join(' ', Spec.ExposedPorts)}; " +
            $"ENTRYPOINT {string.Join(' ', Spec.Entrypoint)}; HEALTHCHECK {string.Join(' ', Spec.HealthcheckOptions.Select(o => $"--{o.Key}={o.Value}"))} CMD {string.Join(' ', Spec.HealthcheckCommand)}\n" +
            $"ENV {string.Join(' ', Spec.DockerfileEnvironmentKeys.Select(k => $"{k}={Spec.Environment[k]}"))}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Spec.BaseImage, Is.EqualTo(ContainerBaseImage.AspNet10), "runtime base image (its user and environment are what these tests assume)");
            Assert.That(ContainerBaseImage.ResolveUser(Spec.User!).Uid, Is.EqualTo(ContainerBaseImage.AppUserId), "USER");
            Assert.That(Spec.Entrypoint, Is.EqualTo(ExpectedEntrypoint), "ENTRYPOINT");
            Assert.That(Spec.ExposedPorts, Is.EqualTo(new[] { listenPort }), "EXPOSE is the port of ASPNETCORE_URLS");
            Assert.That(probeUrl.Port, Is.EqualTo(listenPort), "the HEALTHCHECK probes the port the host listens on");
            Assert.That(probeUrl.AbsolutePath, Is.EqualTo("/health/live"), "the HEALTHCHECK probes liveness");
            Assert.That(Spec.HealthcheckCommand.Take(3), Is.EqualTo(ExpectedProbe), "HEALTHCHECK CMD");
            Assert.That(Spec.Environment.GetValueOrDefault("Logging__Console__FormatterName"), Is.EqualTo("json"), "console log format");
        }
    }

    [Test]
    [Order(2)]
    public void It_runs_as_the_images_unprivileged_user()
    {
        var (uid, gid, groups, commandLine) = Child.KernelView();
        TestContext.Out.WriteLine($"/proc/{Child.Id}/status: Uid {uid}; Gid {gid}; Groups '{groups}'; cmdline '{commandLine}'");
        var expectedUid = string.Join('\t', Enumerable.Repeat(_user.Uid.ToString(CultureInfo.InvariantCulture), 4));
        var expectedGid = string.Join('\t', Enumerable.Repeat(_user.Gid.ToString(CultureInfo.InvariantCulture), 4));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(commandLine, Does.EndWith("OrderHost.dll"), "the process is the host itself (setpriv exec'd it)");
            Assert.That(uid, Is.EqualTo(expectedUid), "real, effective, saved and filesystem uid");
            Assert.That(gid, Is.EqualTo(expectedGid), "real, effective, saved and filesystem gid");
            if (UnixUser.IsRoot)
            {
                Assert.That(_user.Uid, Is.EqualTo(ContainerBaseImage.AppUserId), "the image's app user");
                Assert.That(groups, Is.Empty, "supplementary groups (root's are cleared)");
            }
            else
            {
                TestContext.Out.WriteLine("The tests do not run as root: the host ran as the current user, not as uid 1654.");
            }
        }
    }

    [Test]
    [Order(3)]
    public async Task Health_live_and_ready_answer_200()
    {
        var live = await Api.GetAsync("/health/live");
        var ready = await Eventually.Until(() => Api.GetAsync("/health/ready"), r => r.Status == HttpStatusCode.OK, "/health/ready to answer 200", StartTimeout);
        TestContext.Out.WriteLine($"live: {live}\nready: {ready}");
        Assert.That(live.Status, Is.EqualTo(HttpStatusCode.OK), "/health/live");
    }

    [Test]
    [Order(4)]
    public async Task An_order_is_accepted_and_completed_and_its_log_lines_name_it()
    {
        await Eventually.Until(() => Api.GetAsync("/health/ready"), r => r.Status == HttpStatusCode.OK, "/health/ready to answer 200", StartTimeout);
        var response = await Api.PostOrderAsync(OrderBodies.Paid());
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Accepted), $"POST /orders: {response}");

        var orderId = OrderApiClient.OrderIdOf(response);
        var order = await Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", CompletionTimeout);
        var lines = await Eventually.Until(
            () => Task.FromResult(Child.StandardOutput.Lines().Where(l => l.Contains(orderId.ToString("D"), StringComparison.Ordinal)).ToList()),
            l => l.Count > 0,
            $"a log line naming order {orderId}",
            CompletionTimeout);
        TestContext.Out.WriteLine($"{order}\n{string.Join('\n', lines.Take(3))}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.Status, Is.EqualTo("paid"));
            Assert.That(order.Notified, Is.True);
        }
    }

    [Test]
    [Order(5)]
    public void Stdout_is_one_json_object_per_line_with_the_configured_timestamp()
    {
        var stdout = Child.StandardOutput.Lines();
        var format = Spec.Environment["Logging__Console__FormatterOptions__TimestampFormat"];
        var entries = stdout.Select(ParseLogLine).ToList();
        TestContext.Out.WriteLine($"{stdout.Count} stdout lines, {Child.StandardError.Lines().Count} stderr lines; first lines:\n{string.Join('\n', stdout.Take(4))}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stdout, Has.Count.GreaterThanOrEqualTo(3), "log lines on stdout");
            Assert.That(entries.Where(e => e.Error is not null).Select(e => e.Error), Is.Empty, "stdout lines that are not a JSON log object");
            Assert.That(
                entries.Where(e => e.Timestamp is not null && !DateTime.TryParseExact(e.Timestamp, format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _)).Select(e => e.Timestamp),
                Is.Empty,
                $"timestamps not in the Dockerfile's format {format}");
            Assert.That(
                entries.Any(e => e.Category == "Microsoft.Hosting.Lifetime" && e.Message == $"Now listening on: http://127.0.0.1:{_port}"),
                Is.True,
                "a Microsoft.Hosting.Lifetime line with the listen address");
            Assert.That(Child.StandardError.Lines(), Is.Empty, "stderr (everything is logged as JSON on stdout)");
        }
    }

    [Test]
    [Order(6)]
    public async Task The_healthcheck_command_exits_0_while_the_host_runs()
    {
        var (exitCode, output) = await RunHealthcheckAsync();
        Assert.That(exitCode, Is.Zero, $"HEALTHCHECK exit code; output: {output}");
    }

    [Test]
    [Order(7)]
    public async Task Sigterm_stops_it_with_exit_code_0_after_which_the_healthcheck_fails()
    {
        var clock = Stopwatch.StartNew();
        Child.Terminate();
        var exited = await Child.WaitForExitAsync(StopTimeout);
        Assert.That(exited, Is.True, $"the host to exit within {StopTimeout.TotalSeconds:0} s of SIGTERM\n{Child.Output()}");
        TestContext.Out.WriteLine($"exited with {Child.ExitCode} {clock.Elapsed.TotalSeconds:0.0} s after SIGTERM; last lines:\n{string.Join('\n', Child.StandardOutput.Lines().TakeLast(3))}");

        var (probeExit, probeOutput) = await RunHealthcheckAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Child.ExitCode, Is.Zero, $"exit code after SIGTERM\n{Child.Output()}");
            Assert.That(
                Child.StandardOutput.Lines().Select(ParseLogLine).Any(e => e.Message?.StartsWith("Application is shutting down", StringComparison.Ordinal) == true),
                Is.True,
                "a JSON log line announcing the shutdown");
            Assert.That(probeExit, Is.Not.Zero, $"HEALTHCHECK exit code once the host stopped; output: {probeOutput}");
        }
    }

    /// <summary>
    /// The base image's environment and every ENV of the Dockerfile, as they are, except: the listen URL
    /// and the NATS URL point at this test's ports, and HOME/TMPDIR at a folder of the image's user.
    /// </summary>
    private Dictionary<string, string?> ContainerEnvironment(string home)
    {
        var environment = Spec.Environment.ToDictionary(e => e.Key, string? (e) => e.Value, StringComparer.Ordinal);
        var urls = environment["ASPNETCORE_URLS"]!;
        Assert.That(urls, Does.Match(@"^http://[^/]+:\d+$"), "ASPNETCORE_URLS in the Dockerfile");

        // "http://+:8080" would listen on every interface; the tests keep to loopback, so the host becomes
        // 127.0.0.1 and the port a free one. Same scheme, same single URL.
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{_port}";
        environment["Nats__Url"] = Server.Url;

        // Docker sets HOME from the image user's passwd entry (/home/app); the test gives it a folder of its own.
        environment["HOME"] = home;
        environment["TMPDIR"] = home;
        return environment;
    }

    /// <summary>ENTRYPOINT ["dotnet", "OrderHost.dll"] with <c>dotnet</c> as the image's PATH would find it here.</summary>
    private string[] Entrypoint() => [DotnetMuxer.Path, .. Spec.Entrypoint.Skip(1)];

    /// <summary>A command run as the runtime stage runs it: exactly its environment, in its WORKDIR stand-in, as its user.</summary>
    private ChildLaunch Launch(string name, string[] command) => new(name, command[0], command[1..])
    {
        WorkingDirectory = _app,
        Environment = _environment,
        InheritEnvironment = false,
        User = _user,
        OutputCapacityBytes = 1024 * 1024,
    };

    /// <summary>
    /// The HEALTHCHECK CMD as the image's user with the container's environment. Its path is probed on the
    /// port of that environment's ASPNETCORE_URLS, which is this test's port: the command runs unchanged.
    /// </summary>
    private async Task<(int ExitCode, string Output)> RunHealthcheckAsync()
    {
        var command = Spec.HealthcheckCommand.ToArray();
        command[0] = DotnetMuxer.Path;
        TestContext.Out.WriteLine($"HEALTHCHECK: {string.Join(' ', command)}");
        return await HostProcess.RunToEndAsync(Launch("HEALTHCHECK", command), ProbeTimeout);
    }

    private static LogEntry ParseLogLine(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new LogEntry(null, null, null, null, $"not an object: {line}");
            }

            string? Text(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            var missing = LogFields.Where(name => Text(name) is null).ToList();
            return new LogEntry(Text("Timestamp"), Text("LogLevel"), Text("Category"), Text("Message"), missing.Count == 0 ? null : $"no {string.Join(", ", missing)}: {line}");
        }
        catch (JsonException ex)
        {
            return new LogEntry(null, null, null, null, $"{ex.Message}: {line}");
        }
    }

    private sealed record LogEntry(string? Timestamp, string? LogLevel, string? Category, string? Message, string? Error);
}

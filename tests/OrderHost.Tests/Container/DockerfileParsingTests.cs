using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Container;

/// <summary>The Dockerfile reader the container tests rely on, against the syntax it must understand.</summary>
[TestFixture]
public sealed class DockerfileParsingTests
{
    private const string Sample = """
        # syntax=docker/dockerfile:1
        FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
        ENV BUILD_ONLY=1
        WORKDIR /src

        FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
        WORKDIR /app
        ENV A=1 \
            # a comment inside the continuation
            B="two words" \
            C=${APP_UID}-$A \
            D='$not_substituted'
        ENV LEGACY the rest of the line
        EXPOSE 8080/tcp
        USER $APP_UID
        HEALTHCHECK --interval=15s --timeout=6s \
          CMD ["dotnet", "App.dll", "--probe", "http://127.0.0.1:8080/health/live"]
        ENTRYPOINT ["dotnet", "App.dll"]
        """;

    private static readonly string[] ExpectedKeys = ["A", "B", "C", "D", "LEGACY"];
    private static readonly string[] ExpectedProbe = ["dotnet", "App.dll", "--probe", "http://127.0.0.1:8080/health/live"];
    private static readonly string[] ExpectedEntrypoint = ["dotnet", "App.dll"];
    private static readonly int[] ExpectedPorts = [8080];

    [Test]
    public void Reads_the_last_stage_with_continuations_quotes_and_substitution()
    {
        var spec = ContainerImageSpec.Parse(Sample);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.BaseImage, Is.EqualTo("mcr.microsoft.com/dotnet/aspnet:10.0"));
            Assert.That(spec.WorkingDirectory, Is.EqualTo("/app"));
            Assert.That(spec.DockerfileEnvironmentKeys, Is.EqualTo(ExpectedKeys), "ENV keys of the last stage only, in order");
            Assert.That(spec.Environment["A"], Is.EqualTo("1"));
            Assert.That(spec.Environment["B"], Is.EqualTo("two words"));
            Assert.That(spec.Environment["C"], Is.EqualTo("1654-"), "substitution sees the base image's APP_UID, and not A of the same instruction");
            Assert.That(spec.Environment["D"], Is.EqualTo("$not_substituted"));
            Assert.That(spec.Environment["LEGACY"], Is.EqualTo("the rest of the line"));
            Assert.That(spec.Environment, Does.ContainKey("ASPNETCORE_HTTP_PORTS"), "the base image's environment");
            Assert.That(spec.Environment, Does.Not.ContainKey("BUILD_ONLY"), "ENV of an earlier stage");
            Assert.That(spec.User, Is.EqualTo("1654"));
            Assert.That(spec.ExposedPorts, Is.EqualTo(ExpectedPorts));
            Assert.That(spec.HealthcheckOptions["timeout"], Is.EqualTo("6s"));
            Assert.That(spec.HealthcheckCommand, Is.EqualTo(ExpectedProbe));
            Assert.That(spec.Entrypoint, Is.EqualTo(ExpectedEntrypoint));
        }
    }

    [TestCase("http://+:8080", 8080)]
    [TestCase("http://*:5000/", 5000)]
    [TestCase("http://127.0.0.1:18080", 18080)]
    public void Reads_the_port_of_a_listen_url(string url, int port)
        => Assert.That(ContainerImageSpec.PortOfUrl(url), Is.EqualTo(port));

    [Test]
    public void Resolves_the_app_user_to_uid_and_gid_1654()
        => Assert.That(ContainerBaseImage.ResolveUser("1654"), Is.EqualTo((1654, 1654)));

    [Test]
    public void A_dockerfile_ending_inside_a_continuation_is_rejected()
        => Assert.That(() => ContainerImageSpec.Parse("FROM x\nENV A=1 \\"), Throws.TypeOf<FormatException>());
}

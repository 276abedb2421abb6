# syntax=docker/dockerfile:1
# OrderHost: one image, every module; choose modules per container with environment flags.
#   docker build -t orderhost .
#   docker run -p 8080:8080 -e Nats__Url=nats://nats:4222 orderhost
#   docker run -e Modules__Orders__Enabled=false -e Modules__Notifications__Enabled=false orderhost   # Payments only

# Only what restore reads: the project files, wherever they are under src/, so a new module needs no line here.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS projects
WORKDIR /src
COPY src/ src/
RUN find src -type f ! -name '*.csproj' ! -name 'Directory.Build.*' -delete

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore in its own layer: the copy from "projects" is the same unless a project file changed, so BuildKit
# reuses this layer and the restore after it until a project or package version changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY --from=projects /src/src/ src/
RUN dotnet restore src/Host/OrderHost.Host.csproj
COPY src/ src/
RUN dotnet publish src/Host/OrderHost.Host.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# ASPNETCORE_URLS sets the port; the base image's ASPNETCORE_HTTP_PORTS is cleared so the two do not
# compete (Kestrel would warn on every start). The HEALTHCHECK probes the port ASPNETCORE_URLS names.
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    Nats__Url=nats://nats:4222 \
    Modules__Orders__Enabled=true \
    Modules__Payments__Enabled=true \
    Modules__Notifications__Enabled=true \
    Logging__Console__FormatterName=json \
    Logging__Console__FormatterOptions__TimestampFormat=yyyy-MM-ddTHH:mm:ss.fffZ
EXPOSE 8080
# The base image's unprivileged "app" user (uid 1654).
USER $APP_UID
HEALTHCHECK --interval=15s --timeout=6s --start-period=20s --retries=3 \
  CMD ["dotnet", "OrderHost.dll", "--probe", "/health/live"]
ENTRYPOINT ["dotnet", "OrderHost.dll"]

# syntax=docker/dockerfile:1
# OrderHost: one image, every module; choose modules per container with environment flags.
#   docker build -t orderhost .
#   docker run -p 8080:8080 -e Nats__Url=nats://nats:4222 orderhost
#   docker run -e Modules__Orders__Enabled=false -e Modules__Notifications__Enabled=false orderhost   # Payments only

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore in its own layer: it is only redone when a project or package version changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Host/OrderHost.Host.csproj src/Host/
COPY src/Messaging/OrderHost.Messaging.csproj src/Messaging/
COPY src/Modules/Orders/OrderHost.Orders.csproj src/Modules/Orders/
COPY src/Modules/Orders.Contracts/OrderHost.Orders.Contracts.csproj src/Modules/Orders.Contracts/
COPY src/Modules/Payments/OrderHost.Payments.csproj src/Modules/Payments/
COPY src/Modules/Payments.Contracts/OrderHost.Payments.Contracts.csproj src/Modules/Payments.Contracts/
COPY src/Modules/Notifications/OrderHost.Notifications.csproj src/Modules/Notifications/
COPY src/Modules/Notifications.Contracts/OrderHost.Notifications.Contracts.csproj src/Modules/Notifications.Contracts/
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

# The api tier. Build from the repository root: docker build -f deploy/api.Dockerfile -t mcpstack-api .
# The build step is the same `dotnet publish` that CI runs (deploy/tests/publish.test.mjs).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props McpStack.slnx ./
COPY src/ src/
RUN dotnet publish src/McpStack.Api -c Release -o /out -p:PublishReadyToRun=true --ucr

# Runtime: the ASP.NET Core image (no SDK), as its non-root user.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out .
ENV ASPNETCORE_URLS=http://+:8000 \
    DOTNET_gcServer=1
USER $APP_UID
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["dotnet", "McpStack.Api.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "McpStack.Api.dll"]

import { registerOTel } from "@vercel/otel";

/**
 * OpenTelemetry for the web tier's server (Next.js calls this once at start): Next.js's own spans for each request and
 * render, Better Auth's work inside them, and outgoing fetches, exported over OTLP only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (as the api and the MCP server do). A request arriving with a `traceparent` (the
 * MCP server asking /api/oauth/token-status, the api fetching the JWKS) continues its caller's trace.
 */
export function register() {
  if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return;
  registerOTel({ serviceName: process.env.OTEL_SERVICE_NAME ?? "mcpstack-web" });
}

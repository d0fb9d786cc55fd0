import { registerOTel } from "@vercel/otel";

/**
 * Runs once when the Next.js server starts, before it serves a request.
 * - The client address every request carries (lib/client-address.ts): the per-address sign-in and registration limits
 *   count real clients, not the `X-Forwarded-For` a client chose.
 * - OpenTelemetry for the web tier's server: Next.js's own spans for each request and render, Better Auth's work inside
 *   them, and outgoing fetches, exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set (as the api and the MCP
 *   server do). A request arriving with a `traceparent` (the MCP server asking /api/oauth/token-status, the api fetching
 *   the JWKS) continues its caller's trace.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { attributeClientAddresses } = await import("./lib/client-address");
    attributeClientAddresses();
  }
  if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return;
  registerOTel({ serviceName: process.env.OTEL_SERVICE_NAME ?? "mcpstack-web" });
}

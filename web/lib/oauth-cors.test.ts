import { describe, expect, test } from "vitest";
import { preflight, withPublicCors } from "./oauth-cors";

const request = (path: string) => new Request(`http://localhost:3000${path}`, { headers: { origin: "http://localhost:6274" } });

describe("CORS for browser-based MCP clients", () => {
  test("the token, registration and discovery endpoints allow any origin, without credentials", async () => {
    for (const path of ["/api/auth/oauth2/token", "/api/auth/oauth2/register", "/.well-known/oauth-authorization-server"]) {
      const response = withPublicCors(request(path), Response.json({ ok: true }, { status: 201 }));
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ ok: true });
    }
    expect(preflight(request("/api/auth/oauth2/token")).status).toBe(204);
  });

  test("sign-in, sessions and consent stay same-origin", () => {
    for (const path of ["/api/auth/sign-in/email", "/api/auth/get-session", "/api/auth/oauth2/consent", "/api/auth/token"]) {
      expect(withPublicCors(request(path), new Response("x")).headers.get("access-control-allow-origin")).toBeNull();
      const answer = preflight(request(path));
      expect(answer.status).toBe(405);
      expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});

import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PUBLISHED_DEVELOPMENT_SECRET, sessionSecret } from "./secret";

const folder = () => path.join(mkdtempSync(path.join(tmpdir(), "secret-")), "data", ".better-auth-secret");

describe("sessionSecret", () => {
  it("uses BETTER_AUTH_SECRET when it is set", () => {
    expect(sessionSecret({ baseURL: "https://app.example", env: { NODE_ENV: "production", BETTER_AUTH_SECRET: "s3cret-s3cret" }, file: folder() })).toBe("s3cret-s3cret");
  });

  it("requires one in production", () => {
    expect(() => sessionSecret({ baseURL: "https://app.example", env: { NODE_ENV: "production" }, file: folder() })).toThrow(/required in production/);
  });

  it("generates one per checkout in development, keeps it private, and reuses it", () => {
    const file = folder();
    const first = sessionSecret({ baseURL: "http://localhost:3000", env: { NODE_ENV: "development" }, file });
    expect(first).toHaveLength(44);
    expect(first).not.toBe(PUBLISHED_DEVELOPMENT_SECRET);
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(sessionSecret({ baseURL: "http://localhost:3000", env: { NODE_ENV: "development" }, file })).toBe(first);
    expect(sessionSecret({ baseURL: "http://localhost:3000", env: { NODE_ENV: "development" }, file: folder() })).not.toBe(first);
  });

  it("refuses the published development secret anywhere but loopback", () => {
    const env = { NODE_ENV: "development", BETTER_AUTH_SECRET: PUBLISHED_DEVELOPMENT_SECRET };
    expect(sessionSecret({ baseURL: "http://127.0.0.1:3000", env, file: folder() })).toBe(PUBLISHED_DEVELOPMENT_SECRET);
    expect(() => sessionSecret({ baseURL: "http://192.168.1.20:3000", env, file: folder() })).toThrow(/published development secret/);
    expect(() => sessionSecret({ baseURL: "https://app.example", env, file: folder() })).toThrow(/published development secret/);
  });
});

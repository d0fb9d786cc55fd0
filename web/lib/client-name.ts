/**
 * A client's name as McpStack's pages show it: without control and format characters (bidi overrides, zero-width
 * spaces), which registration refuses but older registrations may hold, and never empty.
 */
export function displayName(name: string | null | undefined): string {
  const visible = (name ?? "").replace(/[\p{Cc}\p{Cf}]/gu, "").trim();
  return visible || "An unnamed app";
}

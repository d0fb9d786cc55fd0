// Loaded into a client that runs as its own process (mcp-remote: node --import): writes the MCP-Protocol-Version of
// each request it makes to the file MCP_RECORD_FILE names, for the suite's report. It listens on undici's diagnostics
// channel, which Node's fetch and the undici package (mcp-remote's fetch) both publish to.
import { subscribe } from "node:diagnostics_channel";
import { appendFileSync } from "node:fs";

const file = process.env.MCP_RECORD_FILE;
subscribe("undici:request:create", ({ request }) => {
  const headers = Array.isArray(request.headers) ? request.headers : String(request.headers ?? "").split("\r\n").flatMap((line) => line.split(/:\s*/, 2));
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (String(headers[i]).toLowerCase() === "mcp-protocol-version" && file) appendFileSync(file, `${headers[i + 1]}\n`);
  }
});

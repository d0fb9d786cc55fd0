// Ports for servers a test starts as separate processes, which must be told their port before they bind it. A port
// from listen(0) comes from the OS's ephemeral range, which outgoing connections draw from too, so another socket of
// the run can take it before the server binds. Ports below that range are never handed out by the OS; a random start
// keeps suites running side by side apart, and each port is checked free before use. Same scheme as the .NET tests'
// FreePort.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const lowest = 10_000;

function ephemeralRangeStart() {
  try {
    const start = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return start > lowest + 1_000 ? start : 49_152;
  } catch {
    return 49_152;
  }
}

const highest = ephemeralRangeStart() - 1;
let next = lowest + Math.floor(Math.random() * (highest - lowest));

const isFree = (port) =>
  new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });

/** A TCP port on 127.0.0.1 that was free a moment ago and that no other call in this process returned. */
export async function freePort() {
  for (let attempt = 0; attempt < 1_000; attempt++) {
    next = next >= highest ? lowest : next + 1;
    if (await isFree(next)) return next;
  }
  throw new Error(`No free port on 127.0.0.1 between ${lowest} and ${highest}.`);
}

// The memory row's fill: sends each key of KEYS_FILE (bench/known-keys.mjs) once to /v1/auth/check,
// over CONNECTIONS keep-alive connections, and prints one line: keys sent, how many were accepted
// (204), the other answers by status, and the seconds it took. wrk cannot stop after a set number of
// requests (it always runs for its duration), so this is node.
//   node known-keys-send.mjs BASE_URL KEYS_FILE CONNECTIONS
import { Agent, get } from "node:http";
import { readFileSync } from "node:fs";

const [baseUrl, keysFile, connections] = process.argv.slice(2);
const url = new URL(baseUrl);
const keys = readFileSync(keysFile, "ascii").split("\n").filter(Boolean);
const agent = new Agent({ keepAlive: true, maxSockets: Number(connections) });
const others = {};
let next = 0, accepted = 0;

const check = key => new Promise((resolve, reject) => {
  get({ host: url.hostname, port: url.port, path: "/v1/auth/check", headers: { "x-api-key": key }, agent }, response => {
    response.resume();
    response.on("end", () => resolve(response.statusCode));
  }).on("error", reject);
});

async function worker() {
  while (next < keys.length) {
    const status = await check(keys[next++]);
    if (status === 204) accepted++;
    else others[status] = (others[status] ?? 0) + 1;
  }
}

const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: Number(connections) }, worker));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
agent.destroy();
console.log(JSON.stringify({ sent: keys.length, accepted, others, seconds: Number(seconds.toFixed(1)) }));

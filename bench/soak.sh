#!/usr/bin/env bash
# Soak: a mixed workload at a fixed rate against the Release build on 127.0.0.1, for a long time,
# sampling the server's resident memory every 10 s. Not a CI test: run it by hand.
#
#   bench/soak.sh                      ten minutes at 100 requests/s on SQLite
#   DURATION=60 RATE=200 bench/soak.sh
#
# The mix (per 100 requests): 75 key verifications (getOrganizationInfo with x-api-key),
# 15 key listings, 8 key creations (each followed by its revocation, so the list stays short),
# 2 password logins. Open loop: requests are sent on schedule whether or not earlier ones have
# answered, so a slow server shows up as latency, not as a lower rate.
# Prints a summary and appends it to bench/SOAK.md (or $SOAK_OUT). Exit code 1 when any request failed.
# Build first: dotnet build OrgKeys.slnx -c Release.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
source "$root/tests/lib.sh"
bin=$root/src/OrgKeys/bin/Release/net10.0/OrgKeys
duration=${DURATION:-600}
rate=${RATE:-100}
out=${SOAK_OUT:-$here/SOAK.md}

[[ -x $bin ]] || { echo "soak: $bin not found; run: dotnet build OrgKeys.slnx -c Release" >&2; exit 1; }

work=$(mktemp -d /tmp/orgkeys-soak.XXXXXX)
server_pid=

cleanup() {
  if [[ -n $server_pid ]]; then stop_process "$server_pid"; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export OrgKeys__DataDirectory=$work/data
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

port=$(free_port)
base_url=http://127.0.0.1:$port

password=$(node -e 'console.log(require("node:crypto").randomBytes(24).toString("base64url"))')
"$bin" users create --username soak --email soak@example.com --name Soak --password "$password" --json </dev/null >/dev/null
org_json=$("$bin" organizations create --name Soak --admin soak --json </dev/null | tail -n 1)

"$bin" serve --urls "$base_url" >"$work/server.log" 2>&1 </dev/null &
server_pid=$!
deadline=$((SECONDS + 60))
until curl -fs -o /dev/null "$base_url/v1/api-health"; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  ((SECONDS < deadline)) || { echo "soak: server did not come up" >&2; exit 1; }
  sleep 0.5
done
echo "soak: server pid $server_pid at $base_url; ${duration}s at ${rate} requests/s"

cat >"$work/soak.mjs" <<'EOF'
import { readFileSync } from "node:fs";

const [baseUrl, pid, durationS, rate, password, orgJson] = process.argv.slice(2);
const { id: orgId, apiKey } = JSON.parse(orgJson);
const duration = Number(durationS) * 1000;
const perSecond = Number(rate);
const keyHeaders = { "x-api-key": apiKey, "content-type": "application/json" };

const latencies = { verify: [], list: [], create: [], login: [] };
const counts = { verify: 0, list: 0, create: 0, login: 0 };
const errors = [];
const memory = []; // [seconds, MiB]
let inFlight = 0;
let maxInFlight = 0;

const rssMiB = () => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(line.split(/\s+/)[1]) / 1024;
};

async function call(kind, method, path, body, headers = keyHeaders) {
  const started = performance.now();
  const response = await fetch(baseUrl + path, { method, headers, body: body && JSON.stringify(body) });
  const json = await response.json();
  if (response.status !== 200 || json.success !== true) throw new Error(`${kind} ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  latencies[kind].push(performance.now() - started);
  counts[kind]++;
  return json;
}

let n = 0;
const operations = [
  [75, () => call("verify", "GET", `/v1/api/organizations/${orgId}`)],
  [15, () => call("list", "GET", `/v1/api/organizations/${orgId}/apikeys`)],
  [8, async () => {
    const created = await call("create", "POST", `/v1/api/organizations/${orgId}/apikeys`, { name: `soak ${n++}`, role: "member" });
    await fetch(`${baseUrl}/v1/api/organizations/${orgId}/apikeys/${created.id}`, { method: "DELETE", headers: keyHeaders })
      .then((r) => { if (r.status !== 200) throw new Error(`revoke: ${r.status}`); });
  }],
  [2, () => call("login", "POST", "/v1/api-login", { username: "soak", password }, { "content-type": "application/json" })],
];
const pick = (i) => {
  let slot = i % 100;
  for (const [weight, op] of operations) { if (slot < weight) return op; slot -= weight; }
};

const start = performance.now();
memory.push([0, rssMiB()]);
const sampler = setInterval(() => memory.push([Math.round((performance.now() - start) / 1000), rssMiB()]), 10_000);
let sent = 0;
await new Promise((resolve) => {
  const tick = setInterval(() => {
    const elapsed = performance.now() - start;
    const due = Math.min(Math.floor((elapsed / 1000) * perSecond), Math.floor((duration / 1000) * perSecond));
    for (; sent < due; sent++) {
      // Spread the mix: a stride coprime with 100 visits every slot once per 100 requests.
      const op = pick(sent * 37);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      op().catch((e) => errors.push(String(e.message ?? e))).finally(() => inFlight--);
    }
    if (elapsed >= duration) { clearInterval(tick); resolve(); }
  }, 5);
});
while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
const elapsedS = (performance.now() - start) / 1000;
clearInterval(sampler);
memory.push([Math.round(elapsedS), rssMiB()]);

const pct = (values, p) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const all = Object.values(latencies).flat();
const done = Object.values(counts).reduce((a, b) => a + b, 0);
const mid = memory[Math.floor((memory.length - 1) / 2)];
console.log(JSON.stringify({
  requests: sent, completed: done, errors: errors.length, firstErrors: errors.slice(0, 5),
  seconds: elapsedS, rate: done / elapsedS, maxInFlight,
  p50: pct(all, 50), p99: pct(all, 99),
  perKind: Object.fromEntries(Object.keys(latencies).map((k) => [k, { n: counts[k], p50: pct(latencies[k], 50), p99: pct(latencies[k], 99) }])),
  memory: { start: memory[0], middle: mid, end: memory.at(-1), max: Math.max(...memory.map((m) => m[1])), samples: memory },
}));
EOF

result=$(node "$work/soak.mjs" "$base_url" "$server_pid" "$duration" "$rate" "$password" "$org_json")
summary=$(node -e '
  const r = JSON.parse(process.argv[1]);
  const ms = (v) => `${v.toFixed(1)} ms`;
  const mib = ([s, v]) => `${v.toFixed(0)} MiB (${s} s)`;
  const lines = [
    `## ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: ${Math.round(r.seconds)} s at ${process.argv[2]} requests/s, SQLite, ${process.argv[3]}`,
    "",
    "| errors | requests | rate achieved | p50 | p99 | max in flight |",
    "|---|---|---|---|---|---|",
    `| ${r.errors} | ${r.completed} of ${r.requests} | ${r.rate.toFixed(1)}/s | ${ms(r.p50)} | ${ms(r.p99)} | ${r.maxInFlight} |`,
    "",
    "| operation | count | p50 | p99 |",
    "|---|---|---|---|",
    ...Object.entries(r.perKind).map(([k, v]) => `| ${k} | ${v.n} | ${ms(v.p50)} | ${ms(v.p99)} |`),
    "",
    `Server RSS: start ${mib(r.memory.start)}, middle ${mib(r.memory.middle)}, end ${mib(r.memory.end)}, max ${r.memory.max.toFixed(0)} MiB.`,
    `Samples every 10 s (MiB): ${r.memory.samples.map((m) => m[1].toFixed(0)).join(" ")}`,
  ];
  if (r.errors > 0) lines.push("", "First errors:", ...r.firstErrors.map((e) => `- \`${e}\``));
  console.log(lines.join("\n"));' "$result" "$rate" "$(nproc) cores, load average $(cut -d" " -f1 /proc/loadavg) at the end")
printf '%s\n' "$summary"
{ [[ -s $out ]] || printf '# Soak runs (bench/soak.sh)\n\nThe mix: 75%% key verification (getOrganizationInfo with x-api-key), 15%% key listing, 8%% key creation then revocation, 2%% password login; open loop at a fixed rate; latency from send to answer.\n'
  printf '\n%s\n' "$summary"; } >>"$out"
errors=$(node -e 'console.log(JSON.parse(process.argv[1]).errors)' "$result")
((errors == 0))

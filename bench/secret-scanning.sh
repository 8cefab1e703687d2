#!/usr/bin/env bash
# The secret scanning batch benchmark (issue 18): a signed GitHub report of 1,000 tokens, half of them
# live keys of one organization (revoked by the report) and half made up (a valid checksum, so they
# are looked up, in the same one query, and not found), answered within a second. Starts OrgKeys on 127.0.0.1 with a fresh data folder (SQLite) and a key
# document made here (Release build), then prints the answer time of each round, the server's CPU time
# for it, and their medians. Each round mints its own live keys first, so every round revokes 500.
#   BENCH_ROUNDS=5  BENCH_TOKENS=1000  BENCH_NO_BUILD=1
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rounds=${BENCH_ROUNDS:-5}
tokens=${BENCH_TOKENS:-1000}

# A P-256 pair: the public half in GitHub's document shape, the private half to sign reports.
node -e '
  const { generateKeyPairSync } = require("node:crypto"), fs = require("node:fs");
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  fs.writeFileSync(process.argv[1], JSON.stringify({ public_keys: [{ key_identifier: "bench", key: publicKey.export({ type: "spki", format: "pem" }), is_current: true }] }));
  fs.writeFileSync(process.argv[2], privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
' "$work/github-keys.json" "$work/github-private.pem"

settings=(OrgKeys__SecretScanning__GitHub__KeysUrl="$work/github-keys.json")
start_server "$work/data" "${settings[@]}"
setup_tenant "$work/data" "${settings[@]}"
write_made_up_keys "$work/made-up.txt"
log "secret scanning: $rounds rounds of $tokens tokens"

SERVER_PID=$server_pid BASE_URL=$base_url ORG=$org ADMIN_KEY=$admin_key ROUNDS=$rounds TOKENS=$tokens PRIVATE_KEY=$work/github-private.pem MADE_UP=$work/made-up.txt node -e '
  const crypto = require("node:crypto"), fs = require("node:fs");
  const { SERVER_PID, BASE_URL, ORG, ADMIN_KEY, ROUNDS, TOKENS, PRIVATE_KEY, MADE_UP } = process.env;
  // CPU time of the server process (user + system, ms): on a busy machine it tells what a quiet one would take.
  const cpuMs = () => { const f = fs.readFileSync(`/proc/${SERVER_PID}/stat`, "utf8").split(") ")[1].split(" "); return (Number(f[11]) + Number(f[12])) * 10; };
  const privateKey = fs.readFileSync(PRIVATE_KEY, "utf8");
  const madeUp = fs.readFileSync(MADE_UP, "utf8").trim().split("\n");
  async function liveKeys(n) { // minted through the API, 16 at a time
    const keys = [];
    for (let i = 0; i < n; i += 16) {
      const batch = await Promise.all(Array.from({ length: Math.min(16, n - i) }, async (_, j) => {
        const res = await fetch(`${BASE_URL}/v1/api/organizations/${ORG}/apikeys`, {
          method: "POST", headers: { "x-api-key": ADMIN_KEY, "content-type": "application/json" },
          body: JSON.stringify({ name: `leak ${i + j}`, role: "member" }) });
        if (!res.ok) throw new Error(`minting a key: ${res.status}`);
        return (await res.json()).apiKey;
      }));
      keys.push(...batch);
    }
    return keys;
  }
  (async () => {
    const times = [], cpus = [];
    for (let round = 1; round <= Number(ROUNDS); round++) {
      const live = await liveKeys(Math.floor(Number(TOKENS) / 2));
      const all = [...live, ...madeUp.slice(0, Number(TOKENS) - live.length)];
      const body = JSON.stringify(all.map((token) => ({ token, type: "edgeimpulse_api_key", url: "https://github.com/bench/leak", source: "content" })));
      const signature = crypto.sign("sha256", Buffer.from(body), privateKey).toString("base64");
      const cpuBefore = cpuMs(), started = performance.now();
      const res = await fetch(`${BASE_URL}/v1/secret-scanning/github`, { method: "POST", body,
        headers: { "content-type": "application/json", "Github-Public-Key-Identifier": "bench", "Github-Public-Key-Signature": signature } });
      const feedback = await res.json();
      const ms = performance.now() - started, cpu = cpuMs() - cpuBefore;
      const positives = feedback.filter((f) => f.label === "true_positive").length;
      if (res.status !== 200 || feedback.length !== all.length || positives !== live.length) {
        throw new Error(`round ${round}: status ${res.status}, ${feedback.length} answers, ${positives} true positives of ${live.length}`);
      }
      times.push(ms);
      cpus.push(cpu);
      console.log(`round ${round}: ${all.length} tokens (${live.length} live) answered in ${ms.toFixed(1)} ms (server CPU ${cpu} ms)`);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`secret scanning, ${TOKENS} tokens: median ${median(times).toFixed(1)} ms (server CPU ${median(cpus)} ms) over ${times.length} rounds`);
  })().catch((e) => { console.error(`bench: ${e.message}`); process.exit(1); });
'

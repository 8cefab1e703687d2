// The memory row's keys: COUNT generated keys that someone holds, as OrgKeys makes them (ei_ + 56
// random hex + CRC-32, ApiKeyFormat) and stores them (HMAC-SHA-256 under the pepper HKDF derives from
// the data folder's server secret, ApiKeyHasher and SecretGeneration). Writes the keys, one a line,
// to KEYS_FILE and the SQL that stores them to stdout, for sqlite3.
//   node known-keys.mjs SECRET_FILE KEYS_FILE COUNT ORGANIZATION_ID
import { createHmac, hkdfSync, randomBytes } from "node:crypto";
import { openSync, readFileSync, writeSync, closeSync } from "node:fs";
import { crc32 } from "node:zlib";

const [secretFile, keysFile, count, organizationId] = process.argv.slice(2);
const total = Number(count), org = Number(organizationId);
if (!Number.isInteger(total) || total < 1 || !Number.isInteger(org)) {
  throw new Error("usage: node known-keys.mjs SECRET_FILE KEYS_FILE COUNT ORGANIZATION_ID");
}

const secret = Buffer.from(readFileSync(secretFile, "ascii").trim(), "base64");
const pepper = Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), "orgkeys/api-key-hmac", 32));
const keys = openSync(keysFile, "w", 0o600);
const perStatement = 500;

process.stdout.write("PRAGMA busy_timeout = 10000;\nBEGIN;\n");
for (let done = 0; done < total; done += perStatement) {
  const rows = [], lines = [];
  const random = randomBytes(28 * perStatement);
  for (let i = 0; i < perStatement && done + i < total; i++) {
    const body = "ei_" + random.toString("hex", 28 * i, 28 * (i + 1));
    const key = body + crc32(body).toString(16).padStart(8, "0");
    const hash = createHmac("sha256", pepper).update(key, "ascii").digest("hex");
    lines.push(key);
    rows.push(`(${org},'bench-known','Member',X'${hash}','${key.slice(0, 7)}…${key.slice(-4)}','2026-01-01 00:00:00')`);
  }
  writeSync(keys, lines.join("\n") + "\n");
  process.stdout.write(`INSERT INTO ApiKeys (OrganizationId, Name, Role, KeyHash, Hint, Created) VALUES\n${rows.join(",\n")};\n`);
}
closeSync(keys);
process.stdout.write("COMMIT;\nPRAGMA wal_checkpoint(TRUNCATE);\n");

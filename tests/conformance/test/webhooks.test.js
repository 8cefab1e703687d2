'use strict';
// Webhooks as a receiver sees them: each delivery verified with the npm standardwebhooks package.
// A signed secret-scanning report revokes a key within a second, and the webhook hears apikey.exposed.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const { Webhook } = require('standardwebhooks');
const h = require('../lib/harness');

const upstreamUrl = process.env.ORGKEYS_UPSTREAM_URL || h.baseUrl;

/** A receiver on 127.0.0.1 that keeps every request: raw body and headers. */
function startReceiver() {
    const received = [];
    const server = http.createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
            received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
            res.writeHead(204).end();
        });
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () =>
        resolve({ server, received, url: `http://127.0.0.1:${server.address().port}/hook` })));
}

async function waitFor(receiver, type, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const found = receiver.received.find((r) => JSON.parse(r.body).type === type);
        if (found) return found;
        await h.sleep(50);
    }
    assert.fail(`no ${type} delivery within ${timeoutMs} ms`);
}

function signedReport(tokens) {
    const body = JSON.stringify(tokens.map((token) => ({ token, type: 'edgeimpulse_api_key', url: 'https://github.com/octo/leak', source: 'content' })));
    const key = fs.readFileSync(process.env.ORGKEYS_GITHUB_PRIVATE_KEY, 'utf8');
    const signature = crypto.sign('sha256', Buffer.from(body), key).toString('base64');
    return fetch(`${upstreamUrl}/v1/secret-scanning/github`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'Github-Public-Key-Identifier': 'conformance', 'Github-Public-Key-Signature': signature },
    });
}

describe('webhooks', () => {
    let alice;
    let org;
    let receiver;
    let webhook;

    before(async () => {
        alice = await h.asUser('alice');
        org = await h.createOrganization(alice, 'webhooks');
        receiver = await startReceiver();
    });

    after(() => receiver.server.close());

    it('registers a webhook and shows its whsec_ secret once', async () => {
        const res = await h.rawRequest('POST', `/api/organizations/${org.id}/webhooks`,
            { apiKey: org.apiKey, body: { url: receiver.url, events: ['apikey.created', 'apikey.exposed', 'apikey.revoked'] } });
        assert.equal(res.status, 200);
        assert.equal(res.json.success, true);
        assert.match(res.json.secret, /^whsec_[A-Za-z0-9+/=]+$/);
        webhook = { id: res.json.id, secret: res.json.secret };
        const list = await h.rawRequest('GET', `/api/organizations/${org.id}/webhooks`, { apiKey: org.apiKey });
        assert.equal(list.json.webhooks.length, 1);
        assert.ok(!list.text.includes(webhook.secret.slice(6)));
    });

    it('delivers apikey.created, signed as standardwebhooks verifies', async () => {
        const key = await alice.organizations.addOrganizationApiKey(org.id, { name: 'hooked', role: 'member' });
        const delivery = await waitFor(receiver, 'apikey.created');
        const event = new Webhook(webhook.secret).verify(delivery.body, delivery.headers);
        assert.equal(event.type, 'apikey.created');
        assert.equal(event.data.apiKeyId, key.id);
        assert.ok(!delivery.body.includes(key.apiKey));
        assert.throws(() => new Webhook(webhook.secret).verify(delivery.body.replace('apikey', 'apikeY'), delivery.headers));
    });

    it('a signed secret-scanning report revokes a key within a second; the webhook hears apikey.exposed', async () => {
        const key = await alice.organizations.addOrganizationApiKey(org.id, { name: 'leaked', role: 'member' });
        const started = Date.now();
        const res = await signedReport([key.apiKey]);
        assert.equal(res.status, 200);
        assert.equal((await res.json())[0].label, 'true_positive');
        const refused = await h.rawRequest('GET', `/api/organizations/${org.id}`, { apiKey: key.apiKey });
        assert.equal(refused.status, 401);
        assert.ok(Date.now() - started < 1000, `revoked after ${Date.now() - started} ms`);

        const delivery = await waitFor(receiver, 'apikey.exposed');
        const event = new Webhook(webhook.secret).verify(delivery.body, delivery.headers);
        assert.equal(event.data.apiKeyId, key.id);
        assert.equal(event.data.action, 'revoked');

        // The listing shows live keys: under the notify policy a reported key stays, with its exposure.
        const policy = await h.rawRequest('POST', `/api/organizations/${org.id}/apikey-policy`, { apiKey: org.apiKey, body: { onExposure: 'notify' } });
        assert.equal(policy.status, 200);
        const kept = await alice.organizations.addOrganizationApiKey(org.id, { name: 'kept', role: 'member' });
        assert.equal((await signedReport([kept.apiKey])).status, 200);
        const listed = (await alice.organizations.listOrganizationApiKeys(org.id)).apiKeys.find((k) => k.id === kept.id);
        assert.equal(listed.exposures.length, 1);
        assert.equal(listed.exposures[0].action, 'notified');
        assert.ok(!listed.exposures[0].url.includes(kept.apiKey));
    });

    it('refuses bad input and other organizations', async () => {
        const bad = await h.rawRequest('POST', `/api/organizations/${org.id}/webhooks`,
            { apiKey: org.apiKey, body: { url: receiver.url, events: ['apikey.unknown'] } });
        assert.equal(bad.status, 400);
        h.assertErrorBody(bad);
        const bob = await h.asUser('bob');
        const bobOrg = await h.createOrganization(bob, 'webhooks-bob');
        const foreign = await h.rawRequest('GET', `/api/organizations/${bobOrg.id}/webhooks/${webhook.id}/deliveries`, { apiKey: bobOrg.apiKey });
        assert.equal(foreign.status, 404);
        h.assertErrorBody(foreign);
    });
});

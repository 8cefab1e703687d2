'use strict';
// Organization API keys: add (generated, custom, member, expiring), use, list (masked), revoke.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const GENERATED_KEY = /^ei_[0-9a-f]{64}$/;

/** A second client, authenticated only with the key, can read its organization. */
async function assertKeyWorks(apiKey, orgId) {
    const api = await h.asKey(apiKey);
    const info = await api.organizations.getOrganizationInfo(orgId);
    assert.equal(info.organization.id, orgId);
    const keys = await api.organizations.listOrganizationApiKeys(orgId);
    assert.ok(Array.isArray(keys.apiKeys));
    return api;
}

describe('organization API keys', () => {
    let alice;
    let org;
    const secrets = [];

    before(async () => {
        alice = await h.asUser('alice');
        org = await h.createOrganization(alice, 'apikeys');
        secrets.push(org.apiKey);
    });

    it('adds a generated admin key that works at once', async () => {
        const res = await alice.organizations.addOrganizationApiKey(org.id, { name: 'ci admin', role: 'admin' });
        assert.equal(res.success, true);
        assert.ok(Number.isInteger(res.id));
        assert.match(res.apiKey, GENERATED_KEY);
        secrets.push(res.apiKey);
        await assertKeyWorks(res.apiKey, org.id);
    });

    it('adds a member key that works at once', async () => {
        const res = await alice.organizations.addOrganizationApiKey(org.id, { name: 'ci member', role: 'member' });
        assert.match(res.apiKey, GENERATED_KEY);
        secrets.push(res.apiKey);
        await assertKeyWorks(res.apiKey, org.id);
    });

    it('adds a custom key (ei_ prefix, 32+ characters) and returns it as given', async () => {
        const custom = h.customKey();
        const res = await alice.organizations.addOrganizationApiKey(org.id,
            { name: 'ci custom', role: 'member', apiKey: custom });
        assert.equal(res.apiKey, custom);
        secrets.push(custom);
        await assertKeyWorks(custom, org.id);
    });

    it('a custom key of exactly 32 characters is accepted', async () => {
        const custom = `ei_${h.customKey().slice(3, 32)}`;
        assert.equal(custom.length, 32);
        const res = await alice.organizations.addOrganizationApiKey(org.id,
            { name: 'ci custom 32', role: 'member', apiKey: custom });
        assert.equal(res.apiKey, custom);
        secrets.push(custom);
        await assertKeyWorks(custom, org.id);
    });

    it('an expiring key (ttl 2) works at once and is refused after it expires', async () => {
        const res = await alice.organizations.addOrganizationApiKey(org.id,
            { name: 'ci short-lived', role: 'member', ttl: 2 });
        secrets.push(res.apiKey);
        const api = await assertKeyWorks(res.apiKey, org.id);
        await h.sleep(3500);
        await h.rejectsWithServerError(api.organizations.getOrganizationInfo(org.id));
        const raw = await h.rawRequest('GET', `/api/organizations/${org.id}`, { apiKey: res.apiKey });
        assert.equal(raw.status, 401, raw.text);
        h.assertErrorBody(raw);
    });

    it('a member key cannot create an admin key', async () => {
        const member = await alice.organizations.addOrganizationApiKey(org.id, { name: 'ci member 2', role: 'member' });
        secrets.push(member.apiKey);
        const api = await h.asKey(member.apiKey);
        const before = await h.countKeys(alice, org.id);
        await h.rejectsWithServerError(api.organizations.addOrganizationApiKey(org.id, { name: 'escalate', role: 'admin' }));
        assert.equal(await h.countKeys(alice, org.id), before, 'no key was created');
    });

    it('an admin key can create keys', async () => {
        const admin = await alice.organizations.addOrganizationApiKey(org.id, { name: 'ci admin 2', role: 'admin' });
        secrets.push(admin.apiKey);
        const api = await h.asKey(admin.apiKey);
        const res = await api.organizations.addOrganizationApiKey(org.id, { name: 'made by a key', role: 'member' });
        assert.match(res.apiKey, GENERATED_KEY);
        secrets.push(res.apiKey);
        await assertKeyWorks(res.apiKey, org.id);
    });

    it('listOrganizationApiKeys shows masked keys with name, role and created', async () => {
        const res = await alice.organizations.listOrganizationApiKeys(org.id);
        assert.equal(res.success, true);
        assert.ok(res.apiKeys.length >= 6, `expected the keys made above, got ${res.apiKeys.length}`);
        for (const key of res.apiKeys) {
            assert.ok(Number.isInteger(key.id));
            assert.equal(typeof key.apiKey, 'string');
            assert.ok(key.apiKey.includes('…'), `not masked: ${key.apiKey}`);
            assert.ok(!secrets.includes(key.apiKey), 'a full secret is listed');
            for (const secret of secrets) {
                assert.ok(!key.apiKey.includes(secret.slice(3)), 'the listing holds a full secret');
            }
            assert.equal(typeof key.name, 'string');
            assert.ok(['admin', 'member'].includes(key.role), `role: ${key.role}`);
            assert.ok(key.created, 'created is set');
            assert.ok(!Number.isNaN(new Date(key.created).getTime()), `created is a date: ${key.created}`);
        }
        const names = res.apiKeys.map((k) => k.name);
        for (const name of ['ci admin', 'ci member', 'ci custom']) {
            assert.ok(names.includes(name), `"${name}" is listed`);
        }
        const admin = res.apiKeys.find((k) => k.name === 'ci admin');
        assert.equal(admin.role, 'admin');
        assert.equal(res.apiKeys.find((k) => k.name === 'ci member').role, 'member');
    });

    it('revokeOrganizationApiKey: the revoked key is refused on its next use', async () => {
        const res = await alice.organizations.addOrganizationApiKey(org.id, { name: 'ci to revoke', role: 'admin' });
        const api = await assertKeyWorks(res.apiKey, org.id);
        const revoked = await alice.organizations.revokeOrganizationApiKey(org.id, res.id);
        assert.equal(revoked.success, true);
        await h.rejectsWithServerError(api.organizations.getOrganizationInfo(org.id));
        await h.rejectsWithServerError(api.organizations.listOrganizationApiKeys(org.id));
        const raw = await h.rawRequest('GET', `/api/organizations/${org.id}`, { apiKey: res.apiKey });
        assert.equal(raw.status, 401, raw.text);
        h.assertErrorBody(raw);
    });

    it('revoking an unknown key id throws (404)', async () => {
        await h.rejectsWithServerError(alice.organizations.revokeOrganizationApiKey(org.id, 987654321));
        const raw = await h.rawRequest('DELETE', `/api/organizations/${org.id}/apikeys/987654321`,
            { jwt: await h.login('alice') });
        assert.equal(raw.status, 404, raw.text);
        h.assertErrorBody(raw);
    });

    it('an unknown key is refused (401)', async () => {
        const api = await h.asKey(`ei_${'0'.repeat(64)}`);
        await h.rejectsWithServerError(api.organizations.getOrganizationInfo(org.id));
        const raw = await h.rawRequest('GET', `/api/organizations/${org.id}`, { apiKey: `ei_${'0'.repeat(64)}` });
        assert.equal(raw.status, 401, raw.text);
        h.assertErrorBody(raw);
    });
});

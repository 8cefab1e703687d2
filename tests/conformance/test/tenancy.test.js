'use strict';
// Tenant isolation: a key of organization A sees nothing of organization B, and a key is not a user.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

const MISSING_ORG = 2147480000;

describe('tenant isolation', () => {
    let alice;
    let orgA;
    let orgB;
    let keyA;

    before(async () => {
        alice = await h.asUser('alice');
        orgA = await h.createOrganization(alice, 'tenant-a');
        orgB = await h.createOrganization(alice, 'tenant-b');
        keyA = await h.asKey(orgA.apiKey);
    });

    it("a key of A on B's getOrganizationInfo throws", async () => {
        await h.rejectsWithServerError(keyA.organizations.getOrganizationInfo(orgB.id));
        // It still works on its own organization.
        assert.equal((await keyA.organizations.getOrganizationInfo(orgA.id)).organization.id, orgA.id);
    });

    it("a key of A on B answers 404, exactly as for an organization that does not exist", async () => {
        const other = await h.rawRequest('GET', `/api/organizations/${orgB.id}`, { apiKey: orgA.apiKey });
        const missing = await h.rawRequest('GET', `/api/organizations/${MISSING_ORG}`, { apiKey: orgA.apiKey });
        assert.equal(other.status, 404, other.text);
        assert.equal(missing.status, 404, missing.text);
        h.assertErrorBody(other);
        assert.deepEqual(other.json, missing.json);
    });

    it("a key of A cannot list, add or revoke B's keys", async () => {
        const before = await alice.organizations.listOrganizationApiKeys(orgB.id);
        await h.rejectsWithServerError(keyA.organizations.listOrganizationApiKeys(orgB.id));
        await h.rejectsWithServerError(keyA.organizations.addOrganizationApiKey(orgB.id, { name: 'intruder', role: 'admin' }));
        await h.rejectsWithServerError(keyA.organizations.revokeOrganizationApiKey(orgB.id, before.apiKeys[0].id));
        const after = await alice.organizations.listOrganizationApiKeys(orgB.id);
        assert.deepEqual(after.apiKeys.map((k) => k.id).sort(), before.apiKeys.map((k) => k.id).sort());
        const raw = await h.rawRequest('POST', `/api/organizations/${orgB.id}/apikeys`,
            { apiKey: orgA.apiKey, body: { name: 'intruder', role: 'admin' } });
        assert.equal(raw.status, 404, raw.text);
    });

    it("a key of A cannot revoke B's key through A's route", async () => {
        const keysB = await alice.organizations.listOrganizationApiKeys(orgB.id);
        await h.rejectsWithServerError(keyA.organizations.revokeOrganizationApiKey(orgA.id, keysB.apiKeys[0].id));
        const stillWorks = await h.asKey(orgB.apiKey);
        assert.equal((await stillWorks.organizations.getOrganizationInfo(orgB.id)).organization.id, orgB.id);
    });

    it("a key of A cannot manage B's members or delete B", async () => {
        await h.rejectsWithServerError(keyA.organizations.addOrganizationMember(orgB.id,
            { usernameOrEmail: 'dave', role: 'admin', datasets: [] }));
        await h.rejectsWithServerError(keyA.organizations.deleteOrganization(orgB.id));
        const info = await alice.organizations.getOrganizationInfo(orgB.id);
        assert.deepEqual(info.organization.users.map((u) => u.username), ['alice']);
    });

    it('a key calling getCurrentUser throws', async () => {
        await h.rejectsWithServerError(keyA.user.getCurrentUser());
        await h.rejectsWithServerError(keyA.user.listOrganizationsCurrentUser());
    });

    it('a key cannot create organizations', async () => {
        await h.rejectsWithServerError(keyA.organizations.createOrganization({ organizationName: h.uniqueName('by-key') }));
    });
});

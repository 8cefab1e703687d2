'use strict';
// Organizations: create, list, info, delete.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

describe('organizations', () => {
    let alice;
    let org;

    before(async () => {
        alice = await h.asUser('alice');
    });

    it('createOrganization returns an id and an admin API key', async () => {
        const name = h.uniqueName('orgs');
        const res = await alice.organizations.createOrganization({ organizationName: name });
        assert.equal(res.success, true);
        assert.ok(Number.isInteger(res.id), `id should be an integer: ${res.id}`);
        assert.equal(typeof res.apiKey, 'string');
        assert.ok(res.apiKey.startsWith('ei_'), 'the key starts with ei_');
        org = { id: res.id, apiKey: res.apiKey, name };
    });

    it('listOrganizations includes it', async () => {
        const res = await alice.organizations.listOrganizations();
        assert.equal(res.success, true);
        const found = res.organizations.find((o) => o.id === org.id);
        assert.ok(found, 'the new organization is listed');
        assert.equal(found.name, org.name);
    });

    it('getOrganizationInfo shows the caller as its admin', async () => {
        const res = await alice.organizations.getOrganizationInfo(org.id);
        assert.equal(res.success, true);
        assert.equal(res.organization.id, org.id);
        assert.equal(res.organization.name, org.name);
        assert.ok(Array.isArray(res.organization.users));
        const me = res.organization.users.find((u) => u.username === 'alice');
        assert.ok(me, 'organization.users contains alice');
        assert.equal(me.role, 'admin');
        assert.equal(me.email, h.users.alice.email);
    });

    it('the key returned by createOrganization acts as the organization with the admin role', async () => {
        const asOrg = await h.asKey(org.apiKey);
        const info = await asOrg.organizations.getOrganizationInfo(org.id);
        assert.equal(info.organization.id, org.id);
        const res = await asOrg.organizations.addOrganizationApiKey(org.id,
            { name: 'made by the creation key', role: 'admin' });
        assert.ok(res.apiKey.startsWith('ei_'));
    });

    it('deleteOrganization removes it and its keys', async () => {
        const doomed = await h.createOrganization(alice, 'doomed');
        const res = await alice.organizations.deleteOrganization(doomed.id);
        assert.equal(res.success, true);
        await h.rejectsWithServerError(alice.organizations.getOrganizationInfo(doomed.id));
        const listed = await alice.organizations.listOrganizations();
        assert.ok(!listed.organizations.some((o) => o.id === doomed.id), 'no longer listed');
        const asKey = await h.asKey(doomed.apiKey);
        await h.rejectsWithServerError(asKey.organizations.getOrganizationInfo(doomed.id));
    });
});

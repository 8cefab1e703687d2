'use strict';
// White label administration through the unmodified client: wally administers the white label
// run.sh created with the CLI; ingrid administers an inner organization he creates for her.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

describe('white label administration', () => {
    const adminOrg = h.whitelabel.adminOrganizationId;
    let wally;
    let ingrid;
    let inner;

    before(async () => {
        wally = await h.asUser('wally');
        ingrid = await h.asUser('ingrid');
        const res = await wally.organizations.whitelabelAdminCreateOrganization(adminOrg,
            { organizationName: h.uniqueName('inner'), adminEmail: h.users.ingrid.email });
        assert.equal(res.success, true);
        assert.ok(Number.isInteger(res.id));
        inner = { id: res.id, apiKey: res.apiKey };
    });

    it('whitelabelAdminGetInfo describes the white label', async () => {
        const res = await wally.organizations.whitelabelAdminGetInfo(adminOrg);
        assert.equal(res.whitelabel.id, h.whitelabel.id);
        assert.equal(res.whitelabel.domain, 'conformance.example.com');
        assert.equal(res.whitelabel.ownerOrganizationId, adminOrg);
    });

    it('whitelabelAdminCreateOrganization invites the named user as its admin and returns its admin key', async () => {
        const before = await ingrid.organizations.listOrganizations();
        assert.ok(!before.organizations.some((o) => o.id === inner.id), 'nothing before ingrid accepts');
        await h.acceptInvitation('ingrid', inner.id);
        const orgs = await ingrid.organizations.listOrganizations();
        const mine = orgs.organizations.find((o) => o.id === inner.id);
        assert.ok(mine, 'ingrid sees the inner organization');
        assert.equal(mine.whitelabelId, h.whitelabel.id);
        const withKey = await h.asKey(inner.apiKey);
        assert.equal((await withKey.organizations.getOrganizationInfo(inner.id)).organization.id, inner.id);
    });

    it('whitelabelAdminGetOrganizations lists the inner organization, paged', async () => {
        const res = await wally.organizations.whitelabelAdminGetOrganizations(adminOrg, { limit: 100, offset: 0 });
        assert.ok(res.total >= 1);
        const found = res.organizations.find((o) => o.id === inner.id);
        assert.ok(found);
        assert.equal(found.whitelabelId, h.whitelabel.id);
        assert.ok(found.created instanceof Date || typeof found.created === 'string');
        assert.ok(!res.organizations.some((o) => o.id === adminOrg), 'the admin organization is not an inner organization');
    });

    it('whitelabelAdminGetOrganizationInfo shows the inner organization and its admin', async () => {
        const res = await wally.organizations.whitelabelAdminGetOrganizationInfo(adminOrg, inner.id);
        assert.equal(res.success, true);
        assert.equal(res.id, inner.id);
        assert.ok(res.users.some((u) => u.id === h.users.ingrid.id && u.role === 'admin'));
    });

    it('a minted key acts as the inner organization, is hidden from it, and is refused after a minute', { timeout: 120000 }, async () => {
        const minted = await wally.organizations.whitelabelAdminAddOrganizationApiKey(adminOrg, inner.id,
            { name: 'support', role: 'admin' });
        assert.equal(minted.success, true);
        assert.match(minted.apiKey, /^ei_[0-9a-f]{64}$/);
        const mintedAt = Date.now();

        const withKey = await h.asKey(minted.apiKey);
        const info = await withKey.organizations.getOrganizationInfo(inner.id);
        assert.equal(info.organization.id, inner.id);

        // Hidden from the organization: neither its admin nor its own key sees it.
        for (const api of [ingrid, await h.asKey(inner.apiKey), withKey]) {
            const keys = await api.organizations.listOrganizationApiKeys(inner.id);
            assert.ok(!keys.apiKeys.some((k) => k.id === minted.id), 'the white label key is hidden');
        }

        // No reach into the admin organization or the white label endpoints.
        await h.rejectsWithServerError(withKey.organizations.getOrganizationInfo(adminOrg));
        await h.rejectsWithServerError(withKey.organizations.whitelabelAdminGetInfo(adminOrg));

        // The white label admin sees it through the OrgKeys extension.
        const listed = await h.rawRequest('GET', `/api/organizations/${adminOrg}/whitelabel/organizations/${inner.id}/apiKeys`,
            { jwt: await h.login('wally') });
        assert.equal(listed.status, 200);
        assert.ok(listed.json.apiKeys.some((k) => k.id === minted.id));

        await h.sleep(Math.max(0, mintedAt + 61000 - Date.now()));
        const expired = await h.rejectsWithServerError(withKey.organizations.getOrganizationInfo(inner.id), ['expired']);
        assert.ok(expired);
    });

    it('an explicit ttl above the maximum and bad bodies come back as errors naming the field', async () => {
        await h.rejectsWithServerError(wally.organizations.whitelabelAdminAddOrganizationApiKey(adminOrg, inner.id,
            { name: 'too long', role: 'admin', ttl: 86401 }), ['ttl']);
        await h.rejectsWithServerError(wally.organizations.whitelabelAdminAddOrganizationApiKey(adminOrg, inner.id,
            { name: '', role: 'admin' }), ['name']);
        await h.rejectsWithServerError(wally.organizations.whitelabelAdminAddOrganizationApiKey(adminOrg, inner.id,
            { name: 'k', role: 'owner' }), ['role']);
        await h.rejectsWithServerError(wally.organizations.whitelabelAdminCreateOrganization(adminOrg,
            { organizationName: 'both', adminId: h.users.ingrid.id, adminEmail: h.users.ingrid.email }), ['adminId']);
    });

    it('whitelabelAdminCreateOrganization with no admin, or an unknown one, makes an organization the white label manages', async () => {
        for (const body of [{}, { adminEmail: `${h.uniqueName('nobody')}@example.com` }]) {
            const res = await wally.organizations.whitelabelAdminCreateOrganization(adminOrg,
                { organizationName: h.uniqueName('unmanned'), ...body });
            assert.equal(res.success, true);
            const info = await wally.organizations.whitelabelAdminGetOrganizationInfo(adminOrg, res.id);
            assert.ok(!info.users.some((u) => u.role === 'admin' && !u.pending), 'no user admin yet');
            const withKey = await h.asKey(res.apiKey);
            assert.equal((await withKey.organizations.getOrganizationInfo(res.id)).organization.id, res.id);
        }
    });

    it('the inner organization admin and an ordinary organization admin are refused', async () => {
        await h.rejectsWithServerError(ingrid.organizations.whitelabelAdminGetInfo(adminOrg));
        await h.rejectsWithServerError(ingrid.organizations.whitelabelAdminAddOrganizationApiKey(adminOrg, inner.id,
            { name: 'k', role: 'admin' }));
        const alice = await h.asUser('alice');
        const own = await h.createOrganization(alice, 'ordinary');
        await h.rejectsWithServerError(alice.organizations.whitelabelAdminGetOrganizations(own.id));
        await h.rejectsWithServerError(alice.organizations.whitelabelAdminAddOrganizationApiKey(adminOrg, inner.id,
            { name: 'k', role: 'admin' }));
    });

    it('whitelabelAdminDeleteOrganization soft-deletes it and its keys stop at once', async () => {
        const doomed = await wally.organizations.whitelabelAdminCreateOrganization(adminOrg,
            { organizationName: h.uniqueName('doomed'), adminId: h.users.ingrid.id });
        const minted = await wally.organizations.whitelabelAdminAddOrganizationApiKey(adminOrg, doomed.id,
            { name: 'support', role: 'member', ttl: 3600 });
        const withKey = await h.asKey(minted.apiKey);
        await withKey.organizations.getOrganizationInfo(doomed.id);

        await wally.organizations.whitelabelAdminDeleteOrganization(adminOrg, doomed.id);
        await h.rejectsWithServerError(withKey.organizations.getOrganizationInfo(doomed.id));
        await h.rejectsWithServerError((await h.asKey(doomed.apiKey)).organizations.getOrganizationInfo(doomed.id));
        const all = await wally.organizations.whitelabelAdminGetOrganizations(adminOrg, { includeDeleted: true, limit: 1000 });
        assert.ok(all.organizations.some((o) => o.id === doomed.id));
        const live = await wally.organizations.whitelabelAdminGetOrganizations(adminOrg, { limit: 1000 });
        assert.ok(!live.organizations.some((o) => o.id === doomed.id));
    });
});

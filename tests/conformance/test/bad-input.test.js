'use strict';
// Bad inputs come back as thrown errors carrying the server's message, and create nothing.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

describe('bad input', () => {
    let alice;
    let org;

    before(async () => {
        alice = await h.asUser('alice');
        org = await h.createOrganization(alice, 'bad-input');
    });

    /** The call must throw with a message naming `field` (if given), and leave the key count unchanged. */
    async function rejectsKey(request, field) {
        const before = await h.countKeys(alice, org.id);
        await h.rejectsWithServerError(alice.organizations.addOrganizationApiKey(org.id, request), field ? [field] : []);
        assert.equal(await h.countKeys(alice, org.id), before, 'nothing was created');
    }

    it('missing name', () => rejectsKey({ role: 'member' }, 'name'));

    it('missing role', () => rejectsKey({ name: 'no role' }, 'role'));

    it("role 'owner'", () => rejectsKey({ name: 'owner key', role: 'owner' }, 'role'));

    it("apiKey 'abc'", () => rejectsKey({ name: 'short key', role: 'member', apiKey: 'abc' }, 'apiKey'));

    it('apiKey of 31 characters', () => rejectsKey(
        { name: 'short key', role: 'member', apiKey: `ei_${'a'.repeat(28)}` }, 'apiKey'));

    it('apiKey without the ei_ prefix', () => rejectsKey(
        { name: 'bad prefix', role: 'member', apiKey: `xx_${'a'.repeat(40)}` }, 'apiKey'));

    for (const ttl of [0, -5, 1.5, 'x']) {
        it(`ttl ${JSON.stringify(ttl)}`, () => rejectsKey({ name: 'bad ttl', role: 'member', ttl }, 'ttl'));
    }

    it('bad inputs answer 400 with {success:false, error}', async () => {
        const jwt = await h.login('alice');
        for (const body of [{ role: 'member' }, { name: 'x', role: 'owner' }, { name: 'x', role: 'member', ttl: 'x' },
            '{"name": "x", "role": "member"', '[]']) {
            const res = await h.rawRequest('POST', `/api/organizations/${org.id}/apikeys`, { jwt, body });
            assert.equal(res.status, 400, `${JSON.stringify(body)} -> ${res.status} ${res.text}`);
            h.assertErrorBody(res);
        }
    });

    it('a duplicate custom key throws (409) and creates nothing', async () => {
        const custom = h.customKey();
        await alice.organizations.addOrganizationApiKey(org.id, { name: 'original', role: 'member', apiKey: custom });
        await rejectsKey({ name: 'copy', role: 'member', apiKey: custom });
        const raw = await h.rawRequest('POST', `/api/organizations/${org.id}/apikeys`,
            { jwt: await h.login('alice'), body: { name: 'copy', role: 'admin', apiKey: custom } });
        assert.equal(raw.status, 409, raw.text);
        h.assertErrorBody(raw);
    });

    it('a custom key already used by another organization throws too', async () => {
        const other = await h.createOrganization(alice, 'bad-input-other');
        const custom = h.customKey();
        await alice.organizations.addOrganizationApiKey(other.id, { name: 'original', role: 'member', apiKey: custom });
        const before = await h.countKeys(alice, org.id);
        await h.rejectsWithServerError(alice.organizations.addOrganizationApiKey(org.id,
            { name: 'copy', role: 'admin', apiKey: custom }));
        assert.equal(await h.countKeys(alice, org.id), before, 'nothing was created');
        // The key still acts for the organization that owns it, and only for it.
        const api = await h.asKey(custom);
        assert.equal((await api.organizations.getOrganizationInfo(other.id)).organization.id, other.id);
        await h.rejectsWithServerError(api.organizations.getOrganizationInfo(org.id));
    });

    it('createOrganization without organizationName throws and creates nothing', async () => {
        const before = (await alice.organizations.listOrganizations()).organizations.length;
        await h.rejectsWithServerError(alice.organizations.createOrganization({}));
        await h.rejectsWithServerError(alice.organizations.createOrganization({ organizationName: '' }));
        assert.equal((await alice.organizations.listOrganizations()).organizations.length, before);
    });

    it("addOrganizationMember with role 'owner' throws and adds nobody", async () => {
        await h.rejectsWithServerError(alice.organizations.addOrganizationMember(org.id,
            { usernameOrEmail: 'dave', role: 'owner', datasets: [] }), ['role']);
        const info = await alice.organizations.getOrganizationInfo(org.id);
        assert.deepEqual(info.organization.users.map((u) => u.username), ['alice']);
    });
});

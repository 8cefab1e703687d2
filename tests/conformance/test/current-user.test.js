'use strict';
// GET /v1/api/user and /v1/api/user/organizations with a JWT.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

describe('current user', () => {
    let alice;
    let carol;
    let org;

    before(async () => {
        alice = await h.asUser('alice');
        carol = await h.asUser('carol');
        org = await h.createOrganization(alice, 'current-user');
    });

    it('getCurrentUser returns the logged-in user', async () => {
        const me = await alice.user.getCurrentUser();
        assert.equal(me.success, true);
        assert.equal(me.id, h.users.alice.id);
        assert.equal(me.username, 'alice');
        assert.equal(me.email, h.users.alice.email);
        assert.equal(me.name, 'Alice');
        assert.ok(Array.isArray(me.organizations));
        assert.ok(me.organizations.some((o) => o.id === org.id), 'organizations lists the new organization');
    });

    it('listOrganizationsCurrentUser lists the organizations the user belongs to', async () => {
        const res = await alice.user.listOrganizationsCurrentUser();
        assert.equal(res.success, true);
        const mine = res.organizations.find((o) => o.id === org.id);
        assert.ok(mine, 'the new organization is listed');
        assert.equal(mine.name, org.name);
        assert.equal(mine.isAdmin, true);
    });

    it('a user in no organization gets an empty list', async () => {
        const me = await carol.user.getCurrentUser();
        assert.equal(me.id, h.users.carol.id);
        assert.equal(me.username, 'carol');
        const res = await carol.user.listOrganizationsCurrentUser();
        assert.deepEqual(res.organizations, []);
    });

    it('without credentials getCurrentUser throws (401)', async () => {
        await h.rejectsWithServerError(h.newClient().user.getCurrentUser());
        const raw = await h.rawRequest('GET', '/api/user');
        assert.equal(raw.status, 401, raw.text);
        h.assertErrorBody(raw);
    });
});

'use strict';
// Members: add, roles, the last-admin rule, removal (effective at once), non-members.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

describe('organization members', () => {
    let alice;
    let bob;
    let carol;
    let org;

    async function memberOf(username) {
        const info = await alice.organizations.getOrganizationInfo(org.id);
        return info.organization.users.find((u) => u.username === username);
    }

    before(async () => {
        alice = await h.asUser('alice');
        bob = await h.asUser('bob');
        carol = await h.asUser('carol');
        org = await h.createOrganization(alice, 'members');
    });

    it('addOrganizationMember invites bob: pending, showing only what alice typed, granting nothing', async () => {
        const res = await alice.organizations.addOrganizationMember(org.id,
            { usernameOrEmail: 'bob', role: 'member', datasets: [] });
        assert.equal(res.success, true);
        const entry = await memberOf('bob');
        assert.ok(entry, 'bob is in organization.users');
        assert.equal(entry.pending, true);
        assert.equal(entry.role, 'member');
        assert.notEqual(entry.email, h.users.bob.email, 'no e-mail before bob accepts');
        await h.rejectsWithServerError(bob.organizations.getOrganizationInfo(org.id));
    });

    it('bob accepts, and is then a member with his own details', async () => {
        await h.acceptInvitation('bob', org.id);
        const entry = await memberOf('bob');
        assert.equal(entry.pending, false);
        assert.equal(entry.role, 'member');
        assert.equal(entry.email, h.users.bob.email);
    });

    it('bob, logged in, sees the organization', async () => {
        const list = await bob.user.listOrganizationsCurrentUser();
        const mine = list.organizations.find((o) => o.id === org.id);
        assert.ok(mine, 'listed for bob');
        assert.equal(mine.isAdmin, false);
        const info = await bob.organizations.getOrganizationInfo(org.id);
        assert.equal(info.organization.id, org.id);
    });

    it('bob (member) cannot add members or admin keys', async () => {
        await h.rejectsWithServerError(bob.organizations.addOrganizationMember(org.id,
            { usernameOrEmail: 'dave', role: 'member', datasets: [] }));
        assert.equal(await memberOf('dave'), undefined, 'dave was not added');
        const before = await h.countKeys(alice, org.id);
        await h.rejectsWithServerError(bob.organizations.addOrganizationApiKey(org.id, { name: 'bob admin', role: 'admin' }));
        assert.equal(await h.countKeys(alice, org.id), before, 'no key was created');
    });

    it('bob (member) cannot change roles', async () => {
        const aliceEntry = await memberOf('alice');
        const bobEntry = await memberOf('bob');
        await h.rejectsWithServerError(bob.organizations.setOrganizationMemberRole(org.id, bobEntry.id, { role: 'admin' }));
        await h.rejectsWithServerError(bob.organizations.setOrganizationMemberRole(org.id, aliceEntry.id, { role: 'member' }));
        assert.equal((await memberOf('bob')).role, 'member');
        assert.equal((await memberOf('alice')).role, 'admin');
    });

    it('setOrganizationMemberRole makes bob admin, then member again', async () => {
        const bobEntry = await memberOf('bob');
        const up = await alice.organizations.setOrganizationMemberRole(org.id, bobEntry.id, { role: 'admin' });
        assert.equal(up.success, true);
        assert.equal((await memberOf('bob')).role, 'admin');
        const bobView = await bob.user.listOrganizationsCurrentUser();
        assert.equal(bobView.organizations.find((o) => o.id === org.id).isAdmin, true);

        const down = await alice.organizations.setOrganizationMemberRole(org.id, bobEntry.id, { role: 'member' });
        assert.equal(down.success, true);
        assert.equal((await memberOf('bob')).role, 'member');
        await h.rejectsWithServerError(bob.organizations.addOrganizationMember(org.id,
            { usernameOrEmail: 'dave', role: 'member', datasets: [] }));
    });

    it('setOrganizationMemberRole rejects an unknown role', async () => {
        const bobEntry = await memberOf('bob');
        await h.rejectsWithServerError(
            alice.organizations.setOrganizationMemberRole(org.id, bobEntry.id, { role: 'owner' }), ['role']);
        assert.equal((await memberOf('bob')).role, 'member');
    });

    it('the last admin can be neither demoted nor removed', async () => {
        const aliceEntry = await memberOf('alice');
        await h.rejectsWithServerError(
            alice.organizations.setOrganizationMemberRole(org.id, aliceEntry.id, { role: 'member' }));
        await h.rejectsWithServerError(
            alice.organizations.removeOrganizationMember(org.id, { id: h.users.alice.id }));
        // Not through the organization's admin key either.
        const asOrg = await h.asKey(org.apiKey);
        await h.rejectsWithServerError(asOrg.organizations.removeOrganizationMember(org.id, { id: h.users.alice.id }));
        assert.equal((await memberOf('alice')).role, 'admin');
    });

    it('adding an unknown user answers like any name, and grants nothing', async () => {
        const nobody = h.uniqueName('nobody');
        const res = await alice.organizations.addOrganizationMember(org.id,
            { usernameOrEmail: nobody, role: 'member', datasets: [] });
        assert.equal(res.success, true);
        const entry = await memberOf(nobody);
        assert.equal(entry.pending, true);
    });

    it('removeOrganizationMember removes bob, whose access ends at once', async () => {
        const res = await alice.organizations.removeOrganizationMember(org.id, { id: h.users.bob.id });
        assert.equal(res.success, true);
        assert.equal(await memberOf('bob'), undefined, 'bob is no longer listed');
        // Same bob client, same JWT as before: membership is checked on every request.
        await h.rejectsWithServerError(bob.organizations.getOrganizationInfo(org.id));
        const list = await bob.user.listOrganizationsCurrentUser();
        assert.ok(!list.organizations.some((o) => o.id === org.id), 'no longer listed for bob');
    });

    it('carol, who is not a member, cannot read the organization', async () => {
        await h.rejectsWithServerError(carol.organizations.getOrganizationInfo(org.id));
        await h.rejectsWithServerError(carol.organizations.listOrganizationApiKeys(org.id));
        await h.rejectsWithServerError(carol.organizations.addOrganizationApiKey(org.id, { name: 'carol', role: 'member' }));
    });
});

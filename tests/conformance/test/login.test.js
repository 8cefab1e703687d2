'use strict';
// Health and login (POST /v1/api-login): by username, by e-mail, and failures that do not
// reveal whether the account exists. Failed logins use "dave", so a lockout cannot hit
// the users other files log in as.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

describe('health', () => {
    it('health() answers success without credentials', async () => {
        const res = await h.newClient().health.health();
        assert.equal(res.success, true);
    });
});

describe('login', () => {
    it('logs in by username and returns a token the API accepts', async () => {
        const res = await h.newClient().login.login({ username: 'alice', password: h.password });
        assert.equal(res.success, true);
        assert.equal(typeof res.token, 'string');
        assert.ok(res.token.length > 0);

        const api = h.newClient();
        await api.authenticate({ method: 'jwtToken', jwtToken: res.token });
        const me = await api.user.getCurrentUser();
        assert.equal(me.username, 'alice');
    });

    it('logs in by e-mail address', async () => {
        const res = await h.newClient().login.login({ username: h.users.alice.email, password: h.password });
        assert.equal(typeof res.token, 'string');
        assert.ok(res.token.length > 0);

        const api = h.newClient();
        await api.authenticate({ method: 'jwtToken', jwtToken: res.token });
        assert.equal((await api.user.getCurrentUser()).id, h.users.alice.id);
    });

    it('wrong password and unknown user both throw, with the same message', async () => {
        const client = h.newClient();
        const wrongPassword = await h.rejectsWithServerError(
            client.login.login({ username: h.users.dave.username, password: `${h.password}-wrong` }));
        const unknownUser = await h.rejectsWithServerError(
            client.login.login({ username: h.uniqueName('nobody'), password: h.password }));
        assert.equal(wrongPassword.message, unknownUser.message);
    });

    it('wrong password and unknown user both answer 401 with the same body', async () => {
        const wrongPassword = await h.rawRequest('POST', '/api-login',
            { body: { username: h.users.dave.email, password: `${h.password}-wrong` } });
        const unknownUser = await h.rawRequest('POST', '/api-login',
            { body: { username: `${h.uniqueName('nobody')}@example.com`, password: h.password } });
        assert.equal(wrongPassword.status, 401, wrongPassword.text);
        assert.equal(unknownUser.status, 401, unknownUser.text);
        h.assertErrorBody(wrongPassword);
        assert.deepEqual(wrongPassword.json, unknownUser.json);
    });

    it('a garbage token is refused', async () => {
        const api = h.newClient();
        await api.authenticate({ method: 'jwtToken', jwtToken: 'not-a-token' });
        await h.rejectsWithServerError(api.user.getCurrentUser());
    });
});

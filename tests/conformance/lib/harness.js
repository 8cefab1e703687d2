'use strict';
// Shared helpers: the unmodified edge-impulse-api client, pointed at the server run.sh started.
// run.sh passes ORGKEYS_BASE_URL, ORGKEYS_PASSWORD and ORGKEYS_USERS
// ({"alice":{"id":1,"username":"alice","email":"alice@example.com","name":"Alice"},...}).
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { EdgeImpulseApi } = require('edge-impulse-api');

function requireEnv(name) {
    const value = process.env[name];
    if (!value) {
        throw new Error(`${name} is not set: run the suite with tests/conformance/run.sh`);
    }
    return value;
}

// The Prism proxy that checks every response against /v1/openapi.json; the service itself behind it.
const baseUrl = requireEnv('ORGKEYS_BASE_URL');
const upstreamUrl = process.env.ORGKEYS_UPSTREAM_URL || baseUrl;
const password = requireEnv('ORGKEYS_PASSWORD');
const users = JSON.parse(requireEnv('ORGKEYS_USERS'));
// {"id": N, "adminOrganizationId": N}: the white label run.sh created with the CLI; wally administers it.
const whitelabel = JSON.parse(requireEnv('ORGKEYS_WHITELABEL'));

function newClient() {
    return new EdgeImpulseApi({ endpoint: baseUrl });
}

async function login(username) {
    const res = await newClient().login.login({ username, password });
    assert.equal(typeof res.token, 'string', 'login returns a token');
    assert.ok(res.token.length > 0, 'login returns a non-empty token');
    return res.token;
}

/** A client acting as the user (JWT in the x-jwt-token header, as the client sends it). */
async function asUser(name) {
    const api = newClient();
    await api.authenticate({ method: 'jwtToken', jwtToken: await login(users[name].username) });
    return api;
}

/** A client acting as an organization API key. */
async function asKey(apiKey) {
    const api = newClient();
    await api.authenticate({ method: 'apiKey', apiKey });
    return api;
}

/**
 * Awaits a call that must fail with the server's own `error` message (not the client's
 * generic "Failed to call ..." text, which it only uses when the body has no `error`).
 * `mentions` lists words the message must contain, case-insensitively (field names).
 */
async function rejectsWithServerError(promise, mentions = []) {
    let error;
    try {
        await promise;
    } catch (e) {
        error = e;
    }
    assert.ok(error instanceof Error, 'the call was expected to throw');
    assert.equal(typeof error.message, 'string');
    assert.ok(error.message.trim().length > 0, 'the error message is empty');
    assert.ok(!error.message.startsWith('Failed to call'),
        `the server sent no {success:false, error} body: ${error.message}`);
    for (const word of mentions) {
        assert.ok(error.message.toLowerCase().includes(word.toLowerCase()),
            `error message should mention "${word}": ${error.message}`);
    }
    return error;
}

/** A plain HTTP call, only to check statuses the client does not expose. */
async function rawRequest(method, path, { apiKey, jwt, body } = {}) {
    const headers = { Accept: 'application/json' };
    if (apiKey) headers['x-api-key'] = apiKey;
    if (jwt) headers['x-jwt-token'] = jwt;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    // Prism hangs on a body that is not JSON (stoplightio/prism#2664): such bodies go to the service directly.
    const url = typeof body === 'string' && !isJson(body) ? upstreamUrl : baseUrl;
    const res = await fetch(`${url}/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
    });
    const text = await res.text();
    let json;
    try {
        json = JSON.parse(text);
    } catch {
        json = undefined;
    }
    return { status: res.status, json, text };
}

/** The user accepts their invitation to the organization (an OrgKeys extension the client does not know). */
async function acceptInvitation(name, organizationId) {
    const res = await rawRequest('POST', `/api/user/invitations/${organizationId}/accept`, { jwt: await login(users[name].username) });
    assert.equal(res.status, 200, `accepting the invitation: ${res.text}`);
}

function isJson(text) {
    try {
        JSON.parse(text);
        return true;
    } catch {
        return false;
    }
}

/** Asserts a failure response has the contract's shape {success:false, error}. */
function assertErrorBody(res) {
    assert.ok(res.json, `expected a JSON body, got: ${res.text}`);
    assert.equal(res.json.success, false);
    assert.equal(typeof res.json.error, 'string');
    assert.ok(res.json.error.length > 0);
}

function uniqueName(prefix) {
    return `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
}

/** A custom key in the accepted format: ei_ and at least 32 characters. */
function customKey() {
    return `ei_custom_${crypto.randomBytes(24).toString('hex')}`;
}

/** Creates an organization as `api` (a user client); returns {id, apiKey, name}. */
async function createOrganization(api, prefix = 'org') {
    const name = uniqueName(prefix);
    const res = await api.organizations.createOrganization({ organizationName: name });
    return { id: res.id, apiKey: res.apiKey, name };
}

async function countKeys(api, orgId) {
    return (await api.organizations.listOrganizationApiKeys(orgId)).apiKeys.length;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = {
    baseUrl, password, users, whitelabel, newClient, login, asUser, asKey, rejectsWithServerError,
    rawRequest, acceptInvitation, assertErrorBody, uniqueName, customKey, createOrganization, countKeys, sleep,
};

'use strict';
// OAuth as a new user tries it from the README: an organization admin registers a client with the
// unmodified edge-impulse-api client, then openid-client (a certified relying party) discovers OrgKeys
// and completes the client credentials, password and refresh grants. Each token works as Bearer on
// getOrganizationInfo of its own organization only, and stops at once when revoked or its client deleted.
const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const sdk = require('edge-impulse-api/build/library/sdk/api');

// The OAuth endpoints are not API operations (Prism knows only /v1/openapi.json), so openid-client talks
// to the service itself, whose issuer is its own base URL (run.sh sets OrgKeys__OAuth__RequireHttps=false).
const issuer = new URL(process.env.ORGKEYS_UPSTREAM_URL || h.baseUrl);

/** getOrganizationInfo through the edge-impulse-api client, with the token as its OAuth2 access token. */
async function orgInfoStatus(token, organizationId) {
    const organizations = new sdk.OrganizationsApi(`${h.baseUrl}/v1`);
    organizations.accessToken = token;
    try {
        const res = await organizations.getOrganizationInfo(organizationId);
        assert.equal(res.organization.id, organizationId);
        return 200;
    } catch (e) {
        // The client throws on a non-2xx answer; the status itself is only visible on a plain request.
        const res = await fetch(`${h.baseUrl}/v1/api/organizations/${organizationId}`, { headers: { Authorization: `Bearer ${token}` } });
        assert.notEqual(res.status, 200, `the client threw (${e.message}) but the service answered 200`);
        return res.status;
    }
}

describe('OAuth with openid-client', () => {
    let oidc;
    let adminKey;
    let org;
    let otherOrg;
    let clients;
    let registered;
    let config;

    before(async () => {
        oidc = await import('openid-client');
        const alice = await h.asUser('alice');
        const created = await alice.organizations.createOrganization({ organizationName: h.uniqueName('oauth') });
        org = created.id;
        adminKey = created.apiKey;
        const bob = await h.asUser('bob');
        otherOrg = (await bob.organizations.createOrganization({ organizationName: h.uniqueName('oauth-other') })).id;
        clients = new sdk.OrganizationOAuthClientsApi(`${h.baseUrl}/v1`);
        clients.setApiKey(sdk.OrganizationOAuthClientsApiApiKeys.ApiKeyAuthentication, adminKey);
    });

    it('an organization admin registers a client with createOrganizationOAuthClient', async () => {
        registered = await clients.createOrganizationOAuthClient(org, {
            name: 'Conformance robot',
            redirectUris: ['http://127.0.0.1:9/callback'],
            scopes: ['openid', 'offline_access', 'organizations:read', 'user:read'],
            // An OrgKeys extension the client passes through unchanged.
            allowedGrantTypes: ['client_credentials', 'password', 'refresh_token'],
        });
        assert.equal(registered.success, true);
        assert.equal(typeof registered.clientId, 'string');
        assert.equal(typeof registered.clientSecret, 'string');
        const listed = await clients.listOrganizationOAuthClients(org);
        assert.ok(listed.oauthClients.some((c) => c.clientId === registered.clientId));
    });

    it('openid-client discovers OrgKeys: the seed flows and scopes', async () => {
        config = await oidc.discovery(issuer, registered.clientId, registered.clientSecret, undefined, {
            execute: [oidc.allowInsecureRequests],
        });
        const metadata = config.serverMetadata();
        assert.equal(new URL(metadata.issuer).href, issuer.href);
        for (const grant of ['authorization_code', 'implicit', 'password', 'client_credentials', 'refresh_token']) {
            assert.ok(metadata.grant_types_supported.includes(grant), `grant ${grant}`);
        }
        for (const scope of ['openid', 'email', 'profile']) {
            assert.ok(metadata.scopes_supported.includes(scope), `scope ${scope}`);
        }
    });

    it('client credentials: the token acts in its own organization only, and revocation stops it at once', async () => {
        const tokens = await oidc.clientCredentialsGrant(config, { scope: 'organizations:read' });
        assert.equal(tokens.token_type.toLowerCase(), 'bearer');
        assert.equal(await orgInfoStatus(tokens.access_token, org), 200);
        assert.equal(await orgInfoStatus(tokens.access_token, otherOrg), 404);

        const introspected = await oidc.tokenIntrospection(config, tokens.access_token);
        assert.equal(introspected.active, true);
        await oidc.tokenRevocation(config, tokens.access_token);
        assert.equal(await orgInfoStatus(tokens.access_token, org), 401);
    });

    it('password then refresh: user tokens act as the user; a spent refresh token is refused', async () => {
        const first = await oidc.genericGrantRequest(config, 'password', {
            username: h.users.alice.username,
            password: h.password,
            scope: 'openid offline_access organizations:read',
        });
        assert.equal(typeof first.refresh_token, 'string');
        assert.equal(await orgInfoStatus(first.access_token, org), 200);
        assert.equal(await orgInfoStatus(first.access_token, otherOrg), 404);

        const second = await oidc.refreshTokenGrant(config, first.refresh_token);
        assert.notEqual(second.refresh_token, first.refresh_token);
        assert.equal(await orgInfoStatus(second.access_token, org), 200);
        assert.equal(await orgInfoStatus(second.access_token, otherOrg), 404);
        await assert.rejects(oidc.refreshTokenGrant(config, first.refresh_token), (e) => e.error === 'invalid_grant');
    });

    it('deleting the client with deleteOrganizationOAuthClient stops its tokens at once', async () => {
        const byClient = await oidc.clientCredentialsGrant(config, { scope: 'organizations:read' });
        const byUser = await oidc.genericGrantRequest(config, 'password', {
            username: h.users.alice.username, password: h.password, scope: 'organizations:read',
        });
        assert.equal(await orgInfoStatus(byClient.access_token, org), 200);
        assert.equal(await orgInfoStatus(byUser.access_token, org), 200);

        const deleted = await clients.deleteOrganizationOAuthClient(org, registered.id);
        assert.equal(deleted.success, true);
        assert.equal(await orgInfoStatus(byClient.access_token, org), 401);
        assert.equal(await orgInfoStatus(byUser.access_token, org), 401);
        await assert.rejects(oidc.clientCredentialsGrant(config, { scope: 'organizations:read' }));
    });
});

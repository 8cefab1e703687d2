// Row 9's reference: npm oidc-provider on 127.0.0.1:PORT with one confidential client-credentials client,
// the same client OrgKeys gets in row 9 (client_secret_basic, scope organizations:read, opaque tokens).
// Usage: node oidc-provider.mjs PORT CLIENT_SECRET
import Provider from 'oidc-provider';

const [port, secret] = [Number(process.argv[2]), process.argv[3]];
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'bench',
    client_secret: secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  scopes: ['organizations:read'],
  features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
});
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider at http://127.0.0.1:${port}`));

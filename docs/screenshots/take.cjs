// Walks the web console of a seeded OrgKeys (see take.sh) in Debian's Chromium and saves one 1280x800 PNG per
// page. Signs in through the sign-in form, as a person would. The keys it makes to show a secret once are
// revoked through the console before it ends; their secrets go to SHOWN_FILE so take.sh can check they fail.
// Usage: NODE_PATH=tests/lighthouse/node_modules node take.cjs BASE ORG INNER_ORG PASSWORD_FILE OUT_DIR
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const [base, org, inner, passwordFile, out] = process.argv.slice(2);
const password = readFileSync(passwordFile, 'utf8').trim();
const shown = [];

async function main() {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
    defaultViewport: { width: 1280, height: 800 },
  });
  try {
    const page = await browser.newPage();
    const open = async (url) => {
      const response = await page.goto(base + url, { waitUntil: 'load' });
      if (!response.ok()) throw new Error(`${url}: HTTP ${response.status()}`);
    };
    const submit = async (selector) => {
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
    };
    const shot = async (name) => {
      // The heading takes the focus after each navigation; its ring is not part of the picture.
      await page.evaluate(() => document.activeElement?.blur());
      await page.screenshot({ path: path.join(out, `${name}.png`) });
      console.log(`screenshots: ${name}.png (${page.url().replace(base, '')})`);
    };
    const orgUrl = `/organizations/${org}`;

    await open('/signin');
    await page.type('#username', 'alice');
    await shot('signin');
    await page.type('#password', password);
    await submit('main form button[type=submit]');
    if (new URL(page.url()).pathname === '/signin') throw new Error('sign-in refused');

    await open('/account');
    await shot('account');
    await open(orgUrl);
    await shot('organization');
    await open(`${orgUrl}/keys`);
    await shot('keys');

    // A key shown once, then revoked: the picture holds a secret that no longer works.
    await open(`${orgUrl}/keys/new`);
    await page.type('#name', 'Screenshot key');
    await page.click('#expiry-30d');
    await shot('new-key');
    await submit('main form[novalidate] button[type=submit]');
    shown.push(await page.$eval('#new-key', (input) => input.value));
    await shot('key-shown-once');
    await submit('main a.button');
    await submit(await rowButton(page, 'Screenshot key'));
    await shot('revoke-confirm');
    await submit('main form button[type=submit]');

    await open(`${orgUrl}/members`);
    await shot('members');
    await open(`${orgUrl}/audit`);
    await shot('audit');
    await open(`${orgUrl}/whitelabel`);
    await shot('whitelabel');

    // A temporary key for an inner organization: minted, listed, then revoked.
    await open(`${orgUrl}/whitelabel/organizations/${inner}/keys`);
    await page.type('#name', 'Support session');
    await page.$eval('#ttl', (input) => { input.value = '600'; });
    await submit('main form[novalidate] button[type=submit]');
    shown.push(await page.$eval('#new-key', (input) => input.value));
    await submit('main a.button');
    await shot('temporary-keys');
    await submit(await rowButton(page, 'Support session'));
  } finally {
    writeFileSync(process.env.SHOWN_FILE, shown.join('\n') + '\n', { mode: 0o600 });
    await browser.close();
  }
}

// The selector of the Revoke button in the table row of the key with that name.
async function rowButton(page, name) {
  const index = await page.$$eval('tbody tr', (rows, wanted) =>
    rows.findIndex((row) => row.cells[row.cells.length > 6 ? 1 : 0].textContent.trim() === wanted), name);
  if (index < 0) throw new Error(`no row for ${name}`);
  return `main tbody tr:nth-child(${index + 1}) button[type=submit]`;
}

main().catch((error) => {
  console.error(`screenshots: ${error.message}`);
  process.exit(1);
});

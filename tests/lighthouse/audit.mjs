// Audits each path of a running OrgKeys with Lighthouse's accessibility category, in one Node process and
// one Chromium (already started, debugging on PORT). Prints one JSON line per page: path, final URL, score
// and the ids of the failed audits. Usage: node audit.mjs BASE_URL PORT PATH... [@COOKIE_FILE PATH...]
// The paths after @COOKIE_FILE are audited signed in: the file holds the session cookie's value, which goes
// into the browser's own cookie jar (never into a URL). Chromium sends no Cookie set with extraHeaders.
import { readFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [base, port, ...paths] = process.argv.slice(2);
// Accessibility needs the loaded page only: no waiting for a quiet CPU or network.
const settings = {
  onlyCategories: ['accessibility'],
  formFactor: 'desktop',
  screenEmulation: { disabled: true },
  throttlingMethod: 'simulate', // any other method forces 5 s quiet windows; accessibility simulates nothing
  pauseAfterFcpMs: 0,
  pauseAfterLoadMs: 0,
  networkQuietThresholdMs: 0,
  cpuQuietThresholdMs: 0,
  disableStorageReset: true, // keeps the session cookie
};

const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}` });
const page = await browser.newPage();

for (const path of paths) {
  if (path.startsWith('@')) {
    const value = readFileSync(path.slice(1), 'utf8').trim();
    await page.setCookie({ name: 'jwt', value, url: base, httpOnly: true, sameSite: 'Lax' });
    continue;
  }

  const started = Date.now();
  const { lhr } = await lighthouse(base + path, { logLevel: 'error', output: 'json' }, { extends: 'lighthouse:default', settings }, page);
  const failed = Object.values(lhr.audits)
    .filter((a) => a.scoreDisplayMode === 'binary' && a.score !== null && a.score < 1)
    .map((a) => a.id);
  console.log(JSON.stringify({
    path, finalUrl: lhr.finalDisplayedUrl, score: lhr.categories.accessibility.score, failed,
    error: lhr.runtimeError?.message ?? null, ms: Date.now() - started,
  }));
}

await page.close();
await browser.disconnect();

'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {SRC} = require('./fakes');

const manifest = JSON.parse(fs.readFileSync(path.join(SRC, 'appsscript.json'), 'utf8'));
const clasp = JSON.parse(fs.readFileSync(path.join(SRC, '..', '.clasp.json'), 'utf8'));

test('the manifest asks for the scopes the ID token, the backend call, the sheet and the sidebar need', () => {
  assert.deepEqual([...manifest.oauthScopes].sort(), [
    'https://www.googleapis.com/auth/script.container.ui',
    'https://www.googleapis.com/auth/script.external_request',
    'https://www.googleapis.com/auth/spreadsheets.currentonly',
    'https://www.googleapis.com/auth/userinfo.email',
    'openid',
  ]);
});

test('the manifest runs on V8 and logs exceptions to Cloud Logging', () => {
  assert.equal(manifest.runtimeVersion, 'V8');
  assert.equal(manifest.exceptionLogging, 'STACKDRIVER');
});

test('the URL fetch allowlist holds https prefixes with a path, as Apps Script requires', () => {
  assert.ok(manifest.urlFetchWhitelist.length > 0);
  for (const prefix of manifest.urlFetchWhitelist) {
    assert.match(prefix, /^https:\/\/[^/]+\/.*$/);
  }
});

test('clasp pushes src, where the manifest is', () => {
  assert.equal(clasp.rootDir, 'src');
  assert.ok(clasp.scriptId);
});

test('only Backend.js fetches URLs or reads the identity token', () => {
  for (const file of fs.readdirSync(SRC).filter((name) => /\.(js|html)$/.test(name))) {
    const text = fs.readFileSync(path.join(SRC, file), 'utf8');
    if (file === 'Backend.js' || file === 'Services.js') continue;
    assert.doesNotMatch(text, /urlFetchApp|UrlFetchApp|getIdentityToken/, file);
  }
});

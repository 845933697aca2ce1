'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {execFileSync, spawnSync} = require('node:child_process');
const {BACKEND, SPREADSHEET_ID, SRC, response, setUp} = require('./fakes');
const {build} = require('../tools/build');

const source = JSON.parse(fs.readFileSync(path.join(SRC, 'appsscript.json'), 'utf8'));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'roster-build-test-'));

test('the manifest asks for the scopes the ID token, the backend call, the sheet and the sidebar need', () => {
  assert.deepEqual([...source.oauthScopes].sort(), [
    'https://www.googleapis.com/auth/script.container.ui',
    'https://www.googleapis.com/auth/script.external_request',
    'https://www.googleapis.com/auth/spreadsheets.currentonly',
    'https://www.googleapis.com/auth/userinfo.email',
    'openid',
  ]);
});

test('the manifest runs on V8 and logs exceptions to Cloud Logging', () => {
  assert.equal(source.runtimeVersion, 'V8');
  assert.equal(source.exceptionLogging, 'STACKDRIVER');
});

test('the repository holds no backend address or placeholder: only the build writes one', () => {
  assert.equal(source.urlFetchWhitelist, undefined);
  for (const file of fs.readdirSync(SRC)) {
    const text = fs.readFileSync(path.join(SRC, file), 'utf8');
    assert.doesNotMatch(text, /example\.com|REPLACE|ROSTER-BACKEND|appspot\.com/, file);
  }
  assert.equal(fs.existsSync(path.join(SRC, '..', '.clasp.json')), false);
});

test('one backend URL becomes both the allowlist and the URL the script calls', () => {
  const {script, requests, manifest, project} = setUp({
    backendUrl: 'https://roster-42.appspot.com/team',
    server: () => response(200, {summary: {rows: 1, errors: 0, warnings: 0}, issues: []}),
  });

  script.menuValidate();

  assert.deepEqual(manifest.urlFetchWhitelist, ['https://roster-42.appspot.com/team/']);
  assert.equal(project.config.backendUrl, 'https://roster-42.appspot.com/team');
  assert.equal(requests[0].url,
      `https://roster-42.appspot.com/team/api/v1/sheets/${SPREADSHEET_ID}/validate`);
  assert.ok(requests[0].url.startsWith(manifest.urlFetchWhitelist[0]));
});

test('the build refuses an address Apps Script could not fetch', () => {
  for (const bad of ['', 'http://roster.example.com', 'https://localhost', 'roster.example.com',
    'https://roster.example.com/?x=1']) {
    assert.throws(() => build({form: 'bound', backendUrl: bad, out: tmp()}),
        /backend URL|No backend URL/, bad);
  }
  assert.throws(() => build({form: 'webapp', backendUrl: BACKEND, out: tmp()}), /addon or bound/);
});

test('the build writes a .clasp.json beside the pushed files when given a script id', () => {
  const out = tmp();
  build({form: 'addon', backendUrl: BACKEND, out, scriptId: 'abc123'});

  const clasp = JSON.parse(fs.readFileSync(path.join(out, '.clasp.json'), 'utf8'));
  assert.deepEqual([clasp.scriptId, clasp.rootDir], ['abc123', '.']);
  assert.deepEqual(fs.readdirSync(out).sort(), ['.clasp.json', 'Backend.js', 'Config.js',
    'Connect.js', 'Groups.js', 'Import.js', 'Menu.js', 'Services.js', 'Sidebar.html',
    'SidebarServer.js', 'Template.js', 'Validate.js', 'appsscript.json']);
});

test('the build command reads ROSTER_BACKEND_URL and says what it wrote', () => {
  const out = tmp();
  const tool = path.join(__dirname, '..', 'tools', 'build.js');
  const said = execFileSync(process.execPath, [tool, '--form', 'bound', '--out', out],
      {env: {...process.env, ROSTER_BACKEND_URL: 'https://roster.example.org'}, encoding: 'utf8'});

  assert.match(said, /calls https:\/\/roster\.example\.org and allows https:\/\/roster\.example\.org\//);
  const missing = spawnSync(process.execPath, [tool, '--form', 'bound', '--out', out],
      {env: {...process.env, ROSTER_BACKEND_URL: ''}, encoding: 'utf8'});
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /No backend URL/);
});

test('only Backend.js fetches URLs or reads the identity token', () => {
  for (const file of fs.readdirSync(SRC).filter((name) => /\.(js|html)$/.test(name))) {
    const text = fs.readFileSync(path.join(SRC, file), 'utf8');
    if (file === 'Backend.js' || file === 'Services.js') continue;
    assert.doesNotMatch(text, /urlFetchApp|UrlFetchApp|getIdentityToken/, file);
  }
});

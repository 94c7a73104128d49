#!/usr/bin/env node
/*
 * reference_rdfc.mjs < datasets.json
 *
 * Canonicalises N-Quads documents with the reference RDFC-1.0 implementation (rdf-canonize,
 * from the interoperability kit's installed node_modules). stdin: a JSON array of N-Quads
 * strings; stdout: a JSON array of canonical N-Quads, or {"error": message} per dataset.
 */
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {homedir} from 'node:os';
import {join} from 'node:path';

const cache = process.env.CREDSTACK_VERIFIER_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'credstack-independent-verifier');
const rdfCanonize = createRequire(join(cache, 'node_modules', 'noop.js'))('rdf-canonize');

const out = [];
for(const nquads of JSON.parse(readFileSync(0, 'utf8'))) {
  try {
    out.push(await rdfCanonize.canonize(nquads,
      {algorithm: 'RDFC-1.0', inputFormat: 'application/n-quads'}));
  } catch(e) {
    out.push({error: e.message});
  }
}
process.stdout.write(JSON.stringify(out));

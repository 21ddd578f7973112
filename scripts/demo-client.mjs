#!/usr/bin/env node
// The sample experiment of `scripts/demo.sh`, written as a REST client would write it:
// creates an experiment and three runs (diagnostics, a small SCALE benchmark, a small
// federated run), follows each over Server-Sent Events, and prints what was stored.
//   node scripts/demo-client.mjs worker-key            -> prints a new worker-role key
//   node scripts/demo-client.mjs sample                -> runs the sample experiment
// Environment: GRAFTWORK_API_URL (default http://127.0.0.1:3000), GRAFTWORK_ADMIN_KEY.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const API = process.env.GRAFTWORK_API_URL ?? 'http://127.0.0.1:3000';
const KEY = process.env.GRAFTWORK_ADMIN_KEY;
if (!KEY) throw new Error('GRAFTWORK_ADMIN_KEY is not set');

async function api(method, path, body) {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const example = (name) => JSON.parse(readFileSync(join(ROOT, 'contracts', 'examples', `${name}.json`), 'utf8'));

// The sample runs: the contracts' golden examples, so the demo exercises exactly what the tests check.
const SAMPLE = [
  { kind: 'diagnostics', name: 'check this worker host', spec: example('diagnostics.smoke') },
  { kind: 'federated', name: 'FedAvg on synthetic non-IID data', spec: example('federated.synthetic-fedavg') },
  { kind: 'scale', name: 'SCALE vs baselines on synthetic biographies (small)', spec: example('scale.benchmark-small') },
];

/** Follows one run's SSE stream until it reaches a terminal status; prints progress as it comes. */
async function follow(run, label) {
  const terminal = new Set(['succeeded', 'failed', 'cancelled']);
  let lastId = '0';
  let lastLine = '';
  for (;;) {
    const res = await fetch(`${API}/api/v1/runs/${run.id}/events`, { headers: { authorization: `Bearer ${KEY}`, 'last-event-id': lastId } });
    if (!res.ok) throw new Error(`events for ${run.id}: ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        const id = frame.split('\n').find((l) => l.startsWith('id: '));
        if (id) lastId = id.slice(4);
        if (!data) continue;
        const event = JSON.parse(data);
        const line = describe(event);
        if (line && line !== lastLine) process.stdout.write(`  ${label} ${line}\n`);
        lastLine = line || lastLine;
        const status = event.data?.status ?? event.status;
        if (event.type === 'status' && terminal.has(status)) return api('GET', `/api/v1/runs/${run.id}`);
      }
    }
    // The stream closed (service restart, proxy): reconnect from the last event seen.
  }
}

function describe(event) {
  const d = event.data ?? {};
  if (event.type === 'status') return `status → ${d.status}${d.reason && d.status !== 'succeeded' ? ` (${d.reason}: ${d.message ?? ''})` : ''}`;
  if (event.type === 'progress' && typeof d.fraction === 'number') return `${(100 * d.fraction).toFixed(0).padStart(3)}% ${d.message ?? ''}`;
  return '';
}

async function sample() {
  const experiment = await api('POST', '/api/v1/experiments', {
    name: `sample-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    description: 'The sample experiment of scripts/demo.sh',
    tags: ['sample'],
  });
  console.log(`experiment ${experiment.name} (${experiment.id})`);
  const runs = [];
  for (const s of SAMPLE) {
    const run = await api('POST', '/api/v1/runs', { ...s, experimentId: experiment.id, tags: ['sample', s.kind] });
    console.log(`created ${s.kind} run ${run.id}: ${s.name}`);
    runs.push({ ...s, run });
  }
  const finished = await Promise.all(runs.map((r) => follow(r.run, `[${r.kind}]`.padEnd(13))));
  console.log('\nresults');
  let failures = 0;
  for (const [i, run] of finished.entries()) {
    const { summary } = await api('GET', `/api/v1/runs/${run.id}/metrics/summary`);
    const artifacts = await api('GET', `/api/v1/runs/${run.id}/artifacts`).catch(() => []);
    const list = Array.isArray(artifacts) ? artifacts : artifacts.items ?? [];
    if (run.status !== 'succeeded') failures++;
    const why = run.status === 'succeeded' ? '' : ` (${run.reason}: ${run.message ?? ''})`;
    console.log(`- ${runs[i].kind}: ${run.status}${why}  run ${run.id}`);
    // Whole-run series only (per-client or per-method series carry a context).
    for (const m of summary.filter((m) => !m.context || Object.keys(m.context).length === 0).slice(0, 6)) {
      console.log(`    ${m.key}: last ${fmt(m.lastValue)} (step ${m.lastStep})  min ${fmt(m.min)}  max ${fmt(m.max)}  ${m.count} points`);
    }
    for (const a of list.filter((a) => a.kind !== 'checkpoint').slice(0, 6)) console.log(`    artifact ${a.name} ${a.bytes} bytes sha256 ${String(a.sha256).slice(0, 16)}…`);
    if (runs[i].kind === 'scale' && run.result?.table) printScaleTable(run.result.table);
  }
  console.log(`\nwhere to look:
  REST API + OpenAPI   ${API}/api/docs
  GraphQL              ${API}/graphql
  a run's live events  curl -N -H "authorization: Bearer $GRAFTWORK_ADMIN_KEY" ${API}/api/v1/runs/${finished[0].id}/events
  logs                 var/logs/api.log, var/logs/worker.log`);
  process.exitCode = failures ? 1 : 0;
}

const fmt = (v) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v);

/** Retention = Task-0 first-answer-token accuracy before → after Task-1 training; acquisition = Task-1 accuracy after. */
function printScaleTable(table) {
  const pct = (v) => `${(100 * v).toFixed(1)}%`;
  console.log('    method            retention (before → after)   acquisition');
  for (const row of table) {
    const retention = `${pct(row.retentionBefore)} → ${pct(row.retentionAfter)}`;
    console.log(`    ${String(row.method).padEnd(17)} ${retention.padEnd(28)} ${pct(row.acquisition)}`);
  }
}

async function workerKey() {
  const created = await api('POST', '/api/v1/api-keys', { name: `worker ${new Date().toISOString()}`, role: 'worker' });
  console.log(created.secret);
}

const command = process.argv[2];
const commands = { sample, 'worker-key': workerKey };
if (!commands[command]) {
  console.error('usage: demo-client.mjs sample | worker-key');
  process.exit(2);
}
commands[command]().catch((error) => {
  console.error(error.message);
  process.exit(1);
});

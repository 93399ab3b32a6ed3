#!/usr/bin/env node
/**
 * A zoo member built from a working runtime: it starts the reference driver (OpenWorkflow TS,
 * packages/sdk) and breaks one rule by rewriting the protocol traffic between the runner and it —
 * the documents a run receives, the requests it is sent, or the messages it writes back. Nothing
 * in the product knows about the zoo.
 *
 *   node zoo/proxy.mjs <mutation>
 *
 * Each mutation is a runtime bug the suite must catch (zoo/zoo.yaml names the case that does).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const REFERENCE_DRIVER = fileURLToPath(new URL('../../packages/sdk/dist/driver/bin.js', import.meta.url));

/** Applies `change` to every step of every workflow in the `workflows.yaml`-style documents. */
function everyStep(documents, change) {
  return documents.map((document) => {
    const parsed = parse(document.content);
    if (parsed === null || typeof parsed !== 'object' || !Array.isArray(parsed.workflows)) return document;
    const visit = (steps) => {
      if (!Array.isArray(steps)) return steps;
      const out = [];
      for (const step of steps) {
        for (const key of ['steps', 'then', 'else', 'default', 'catch', 'finally']) {
          if (step[key]) step[key] = visit(step[key]);
        }
        for (const holder of ['cases', 'branches']) {
          if (step[holder])
            for (const name of Object.keys(step[holder])) step[holder][name] = visit(step[holder][name]);
        }
        out.push(...change(step));
      }
      return out;
    };
    for (const workflow of parsed.workflows) workflow.steps = visit(workflow.steps);
    return { name: document.name, content: stringify(parsed) };
  });
}

/** Twice a duration: a number of seconds, or text such as `500ms` or `2s`. */
function doubled(duration) {
  if (typeof duration === 'number') return duration * 2;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(String(duration).trim());
  return match ? `${Number(match[1]) * 2}${match[2] ?? 's'}` : duration;
}

/** Mutations of the documents of a `run` request: a runtime that ignores or misreads a key. */
const DOCUMENT_MUTATIONS = {
  // Never retries: the retry policy is not read.
  'skips-retries': (step) => {
    delete step.retry;
    return [step];
  },
  // Ignores `condition`: every step runs.
  'ignores-condition': (step) => {
    delete step.condition;
    return [step];
  },
  // Runs every action step twice (as a second step with its own id).
  'runs-steps-twice': (step) => (step.action ? [step, { ...step, id: `${step.id}-again` }] : [step]),
  // Walks forEach items backwards.
  'reverses-foreach': (step) => {
    if (step.type !== 'forEach') return [step];
    if (Array.isArray(step.items)) step.items = [...step.items].reverse();
    else if (typeof step.items === 'string') {
      step.items = step.items.replace(
        /^\s*\{\{(.*)\}\}\s*$/s,
        (_, expression) => `{{ reverse(${expression.trim()}) }}`,
      );
    }
    return [step];
  },
  // Every backoff is fixed, whatever the policy says.
  'fixed-backoff-only': (step) => {
    if (step.retry) step.retry.backoff = 'fixed';
    return [step];
  },
  // Ignores the condition of an `if`: always takes `then`.
  'ignores-if-condition': (step) => {
    if (step.type === 'if') step.condition = '{{ true }}';
    return [step];
  },
  // Fires step timeouts late (at twice the limit).
  'late-timeouts': (step) => {
    if (step.timeout !== undefined) step.timeout = doubled(step.timeout);
    return [step];
  },
  // Ignores maxConcurrency on forEach (everything at once).
  'ignores-max-concurrency': (step) => {
    if (step.type === 'forEach') {
      delete step.maxConcurrency;
      delete step.ordered;
    }
    return [step];
  },
};

/** Applies `change` to every agent document (`type: agent`). */
function everyAgent(documents, change) {
  return documents.map((document) => {
    const parsed = parse(document.content);
    if (parsed === null || typeof parsed !== 'object' || parsed.type !== 'agent') return document;
    change(parsed);
    return { name: document.name, content: stringify(parsed) };
  });
}

/** Mutations of agent documents: an agent runtime that ignores a policy. */
const AGENT_MUTATIONS = {
  // Offers every action of a toolset connector, deny lists or not.
  'ignores-tool-deny-list': (agent) => {
    for (const entry of agent.toolset ?? []) if (entry && typeof entry === 'object') delete entry.deny;
  },
  // Lets the model call tools without limit.
  'ignores-max-tool-calls': (agent) => {
    if (agent.guardrails?.behavior) delete agent.guardrails.behavior.maxToolCalls;
  },
  // Runs tools that need a person's confirmation without asking.
  'skips-tool-confirmation': (agent) => {
    if (agent.guardrails?.behavior) delete agent.guardrails.behavior.requireConfirmation;
  },
  // Does not pace model calls.
  'ignores-rate-limit': (agent) => {
    if (agent.policies) delete agent.policies.rateLimit;
  },
};

/** Mutations of what the runtime writes: wrong codes, leaks, missing events, a wall clock. */
const OUTPUT_MUTATIONS = {
  // Reports UNAVAILABLE failures as BACKEND_ERROR.
  'wrong-error-code': (message) =>
    JSON.parse(JSON.stringify(message).replaceAll('"UNAVAILABLE"', '"BACKEND_ERROR"')),
  // Puts the run's first secret into every event (a debug field someone forgot).
  'leaks-secret-into-event': (message, run) => {
    if (message.type === 'event' && run?.secret !== undefined) message.event.data.debugAuth = run.secret;
    return message;
  },
  // Drops step.skipped events (and renumbers, so the sequence stays gapless).
  'omits-skipped-events': (message, run) => {
    if (message.type !== 'event' || run === undefined) return message;
    if (message.event.type === 'step.skipped') {
      run.dropped += 1;
      return undefined;
    }
    message.event.sequence -= run.dropped;
    return message;
  },
  // Stamps events with the wall clock even on a virtual clock.
  'wall-clock-times': (message) => {
    if (message.type === 'event') message.event.time = new Date().toISOString();
    return message;
  },
};

const mutation = process.argv[2];
const known = {
  ...DOCUMENT_MUTATIONS,
  ...AGENT_MUTATIONS,
  ...OUTPUT_MUTATIONS,
  'ignores-cancellation': true,
  'leaks-secret-to-stderr': true,
};
if (!mutation || !(mutation in known)) {
  process.stderr.write(`usage: proxy.mjs <${Object.keys(known).join('|')}>\n`);
  process.exit(64);
}

const child = spawn(process.execPath, [REFERENCE_DRIVER], { stdio: ['pipe', 'pipe', 'inherit'] });
child.on('exit', (code) => process.exit(code ?? 1));
const runs = new Map(); // request id → {secret, dropped}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === '') return;
  const request = JSON.parse(line);
  if (request.type === 'run') {
    const secret = Object.values(request.secrets ?? {})[0];
    runs.set(request.id, { secret, dropped: 0 });
    if (DOCUMENT_MUTATIONS[mutation])
      request.documents = everyStep(request.documents, DOCUMENT_MUTATIONS[mutation]);
    if (AGENT_MUTATIONS[mutation])
      request.documents = everyAgent(request.documents, AGENT_MUTATIONS[mutation]);
    if (mutation === 'leaks-secret-to-stderr' && secret !== undefined) {
      process.stderr.write(`debug: run ${request.runId} authenticates with ${secret}\n`);
    }
  }
  if (mutation === 'ignores-cancellation' && request.type === 'cancel') {
    // Says yes, does nothing.
    process.stdout.write(`${JSON.stringify({ id: request.id, type: 'ack' })}\n`);
    return;
  }
  child.stdin.write(`${JSON.stringify(request)}\n`);
});
process.stdin.on('end', () => child.stdin.end());

createInterface({ input: child.stdout }).on('line', (line) => {
  let message = JSON.parse(line);
  const change = OUTPUT_MUTATIONS[mutation];
  if (change) message = change(message, runs.get(message.id));
  if (message !== undefined) process.stdout.write(`${JSON.stringify(message)}\n`);
});

/**
 * Compares the engine with jexl, jsonata, cel-js, liquidjs, nunjucks and a hand-written function
 * on one condition and one string template: each is compiled once and evaluated many times in
 * the same process, rounds interleaved so machine noise hits every engine alike. Prints ns/op
 * and ratios; `pnpm bench` runs it after a build. Results are recorded in docs/benchmarks.md.
 */
import { cpus } from 'node:os';
import { parse as celParse } from '@marcbachmann/cel-js';
import jexl from 'jexl';
import jsonata from 'jsonata';
import { Liquid } from 'liquidjs';
import nunjucks from 'nunjucks';
import { compileExpression, compileTemplate } from '../dist/index.js';

/**
 * Two equal scopes, alternated by every loop, so no engine (least of all the hand-written
 * function) can hoist the work out of the loop as loop-invariant.
 */
const scopes = [0, 1].map(() => ({
  inputs: { city: 'Paris' },
  steps: { w: { output: { temp: 31, conditions: 'sunny' } } },
}));
const CONDITION = "steps.w.output.temp > 30 and inputs.city == 'Paris'";
const TEMPLATE = 'Today in {{ inputs.city }}: {{ steps.w.output.temp }}F, {{ steps.w.output.conditions }}';
const EXPECTED_TEXT = 'Today in Paris: 31F, sunny';

/**
 * The many-paths workload: 240 different conditions over a workflow-shaped scope, evaluated in
 * turn by one loop, as a runtime deciding many step conditions does. Step outputs have different
 * shapes and the conditions read different roots, step ids, fields and path lengths, so no
 * property-load site in any engine sees only one path. It guards against optimisations that only
 * pay off when a benchmark has a single path per site.
 */
const FIELDS = ['temp', 'status', 'count', 'label', 'score', 'region', 'total', 'ready'];
function workflowScope() {
  const steps = {};
  for (let step = 0; step < 40; step++) {
    const output = {};
    // Each step's output adds its fields in its own order (and so has its own hidden class).
    for (let offset = 0; offset < FIELDS.length; offset++) {
      const field = (step + offset) % FIELDS.length;
      output[FIELDS[field]] = field % 2 === 0 ? step * 3 + field : `v${step % 4}`;
    }
    const details = {};
    for (let offset = 0; offset < 5; offset++) details[`k${(step + offset) % 5}`] = step + offset;
    details.size = step * 10;
    output.details = details;
    steps[`step_${step}`] = { output, status: step % 7 === 0 ? 'failed' : 'succeeded' };
  }
  const inputs = { region: 'eu', tier: 'gold', limit: 20, user: { name: 'ada', role: 'admin', age: 36 } };
  for (let index = 0; index < 12; index++) inputs[`option_${index}`] = `v${index % 4}`;
  return { inputs, steps, env: { STAGE: 'prod', REGION: 'eu-west-1' } };
}

/** One comparison of a condition: a static path, an operator, a number or string literal. */
function test(path, operator, literal) {
  return { path, operator, literal };
}

function manyConditions() {
  const conditions = [];
  for (let index = 0; index < 240; index++) {
    const step = `steps.step_${(index * 7) % 40}`;
    const option = `inputs.option_${index % 12}`;
    const even = FIELDS[(index * 2) % FIELDS.length];
    const odd = FIELDS[(index * 2 + 1) % FIELDS.length];
    const tests = [
      [test(`${step}.output.${even}`, '>', index % 50), 'and', test(option, '==', `v${index % 4}`)],
      [test(`${step}.status`, '==', 'succeeded'), 'or', test('inputs.limit', '>', index % 30)],
      [test(`${step}.output.details.size`, '>=', index % 9), 'and', test('env.STAGE', '==', 'prod')],
      [test('inputs.user.role', '==', 'admin'), 'and', test(`${step}.output.${odd}`, '==', `v${index % 4}`)],
      [test('inputs.user.age', '<', 20 + (index % 40)), 'or', test(`${step}.output.count`, '>', index % 90)],
      [test(option, '==', 'v1'), 'and', test(`${step}.output.details.k${index % 5}`, '>', 3)],
    ];
    conditions.push(tests[index % tests.length]);
  }
  return conditions;
}

function testSource({ path, operator, literal }) {
  return `${path} ${operator} ${typeof literal === 'string' ? `'${literal}'` : literal}`;
}

/** The source of a condition, with `and`/`or` spelled for the engine. */
function conditionSource([left, operator, right], spelling) {
  return `${testSource(left)} ${spelling[operator]} ${testSource(right)}`;
}

/** Plain JavaScript evaluation of a condition, to check the engines' answers. */
function referenceTest({ path, operator, literal }, scope) {
  const value = path.split('.').reduce((object, key) => object[key], scope);
  if (operator === '==') return value === literal;
  if (operator === '>') return value > literal;
  if (operator === '>=') return value >= literal;
  return value < literal;
}
function referenceCondition([left, operator, right], scope) {
  return operator === 'and'
    ? referenceTest(left, scope) && referenceTest(right, scope)
    : referenceTest(left, scope) || referenceTest(right, scope);
}

const MANY_SCOPES = [workflowScope(), workflowScope()];
const MANY = manyConditions();
const OUR_SPELLING = { and: 'and', or: 'or' };
const CEL_SPELLING = { and: '&&', or: '||' };
/** True results among the first 1,000 evaluations, which every engine must reproduce. */
let MANY_EXPECTED = 0;
for (let index = 0; index < 1000; index++) {
  if (referenceCondition(MANY[index % MANY.length], MANY_SCOPES[index & 1])) MANY_EXPECTED++;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const TARGET_MS = Number(process.env.BENCH_ROUND_MS ?? 150);

const liquid = new Liquid();
const nunjucksEnvironment = new nunjucks.Environment();

/**
 * Each engine: a label, a compile step, and its own measuring loop. Every loop is a separate
 * function literal, so each engine gets a monomorphic call site, as it would in an application.
 */
const conditionEngines = [
  {
    name: 'openworkflow',
    compile: () => compileExpression(CONDITION),
    loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = compiled.evaluate(scopes[index & 1]);
      return result;
    },
  },
  {
    name: 'hand-written JS',
    compile: () => (data) => data.steps.w.output.temp > 30 && data.inputs.city === 'Paris',
    loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = compiled(scopes[index & 1]);
      return result;
    },
  },
  {
    name: 'cel-js',
    compile: () => celParse("steps.w.output.temp > 30 && inputs.city == 'Paris'"),
    loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = compiled(scopes[index & 1]);
      return result;
    },
  },
  {
    name: 'jexl',
    compile: () => jexl.compile("steps.w.output.temp > 30 && inputs.city == 'Paris'"),
    loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = compiled.evalSync(scopes[index & 1]);
      return result;
    },
  },
  {
    name: 'jsonata (async API)',
    compile: () => jsonata("steps.w.output.temp > 30 and inputs.city = 'Paris'"),
    async loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = await compiled.evaluate(scopes[index & 1]);
      return result;
    },
  },
  {
    name: 'liquidjs',
    compile: () => liquid.parse(`{% if ${CONDITION} %}true{% else %}false{% endif %}`),
    loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++)
        result = liquid.renderSync(compiled, scopes[index & 1]) === 'true';
      return result;
    },
  },
  {
    name: 'nunjucks',
    compile: () => nunjucks.compile(`{{ ${CONDITION} }}`, nunjucksEnvironment),
    loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = compiled.render(scopes[index & 1]) === 'true';
      return result;
    },
  },
];

const templateEngines = [
  {
    name: 'openworkflow',
    compile: () => compileTemplate(TEMPLATE),
    loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = compiled.render(scopes[index & 1]);
      return result;
    },
  },
  {
    name: 'hand-written JS',
    compile: () => (data) =>
      `Today in ${data.inputs.city}: ${data.steps.w.output.temp}F, ${data.steps.w.output.conditions}`,
    loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = compiled(scopes[index & 1]);
      return result;
    },
  },
  {
    name: 'cel-js',
    compile: () =>
      celParse(
        '"Today in " + inputs.city + ": " + string(steps.w.output.temp) + "F, " + steps.w.output.conditions',
      ),
    loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = compiled(scopes[index & 1]);
      return result;
    },
  },
  {
    name: 'jexl',
    compile: () =>
      jexl.compile(
        "'Today in ' + inputs.city + ': ' + steps.w.output.temp + 'F, ' + steps.w.output.conditions",
      ),
    loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = compiled.evalSync(scopes[index & 1]);
      return result;
    },
  },
  {
    name: 'jsonata (async API)',
    compile: () =>
      jsonata('"Today in " & inputs.city & ": " & steps.w.output.temp & "F, " & steps.w.output.conditions'),
    async loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = await compiled.evaluate(scopes[index & 1]);
      return result;
    },
  },
  {
    name: 'liquidjs',
    compile: () => liquid.parse(TEMPLATE),
    loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = liquid.renderSync(compiled, scopes[index & 1]);
      return result;
    },
  },
  {
    name: 'nunjucks',
    compile: () => nunjucks.compile(TEMPLATE, nunjucksEnvironment),
    loop(compiled, n) {
      let result;
      for (let index = 0; index < n; index++) result = compiled.render(scopes[index & 1]);
      return result;
    },
  },
];

/**
 * Every loop evaluates the 240 conditions in turn and returns how many were true, which the
 * engines must agree on.
 */
const manyPathEngines = [
  {
    name: 'openworkflow',
    compile: () => MANY.map((condition) => compileExpression(conditionSource(condition, OUR_SPELLING))),
    loop(compiled, n) {
      let count = 0;
      for (let index = 0; index < n; index++) {
        if (compiled[index % compiled.length].evaluate(MANY_SCOPES[index & 1]) === true) count++;
      }
      return count;
    },
  },
  {
    name: 'cel-js',
    compile: () => MANY.map((condition) => celParse(conditionSource(condition, CEL_SPELLING))),
    loop(compiled, n) {
      let count = 0;
      for (let index = 0; index < n; index++) {
        if (compiled[index % compiled.length](MANY_SCOPES[index & 1]) === true) count++;
      }
      return count;
    },
  },
];

/**
 * Runs `n` iterations of an engine's loop and returns CPU ns per iteration and the last result.
 * CPU time of this process (not wall time) keeps other processes on a shared machine out of it.
 */
async function measure(engine, n) {
  const start = process.cpuUsage();
  const result = await engine.loop(engine.compiled, n);
  const used = process.cpuUsage(start);
  return { ns: ((used.user + used.system) * 1000) / n, result };
}

async function benchmark(title, engines, expected) {
  for (const engine of engines) {
    engine.compiled = engine.compile();
    const { ns, result } = await measure(engine, 1000);
    if (result !== expected)
      throw new Error(`${engine.name} computed ${JSON.stringify(result)} for ${title}`);
    // Size the batch so one round takes about TARGET_MS.
    engine.iterations = Math.max(1000, Math.round((TARGET_MS * 1e6) / ns));
    engine.best = Number.POSITIVE_INFINITY;
    await measure(engine, engine.iterations);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const engine of engines) {
      const { ns } = await measure(engine, engine.iterations);
      engine.best = Math.min(engine.best, ns);
    }
  }
  const prepared = engines;
  const ours = prepared.find((engine) => engine.name === 'openworkflow').best;
  console.log(`\n${title}`);
  console.log('| engine | CPU ns/op (best of rounds) | relative to openworkflow |');
  console.log('| --- | ---: | ---: |');
  for (const engine of prepared) {
    const ratio = engine.best / ours;
    const relation =
      engine.name === 'openworkflow'
        ? '1.00×'
        : ratio >= 1
          ? `${ratio.toFixed(2)}× slower`
          : `${(1 / ratio).toFixed(2)}× faster`;
    console.log(`| ${engine.name} | ${engine.best.toFixed(1)} | ${relation} |`);
  }
  return Object.fromEntries(prepared.map((engine) => [engine.name, engine.best]));
}

console.log(`Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`);
console.log(`rounds: ${ROUNDS}, ~${TARGET_MS} ms per engine per round`);
const condition = await benchmark(`Condition: ${CONDITION}`, conditionEngines, true);
const template = await benchmark(`Template: ${TEMPLATE}`, templateEngines, EXPECTED_TEXT);
const many = await benchmark(
  `Many paths: ${MANY.length} different conditions in turn (e.g. ${conditionSource(MANY[0], OUR_SPELLING)})`,
  manyPathEngines,
  MANY_EXPECTED,
);

const checks = [
  ['condition vs cel-js', condition['cel-js'] / condition.openworkflow, 3],
  ['condition vs jexl', condition.jexl / condition.openworkflow, 20],
  ['template vs nunjucks', template.nunjucks / template.openworkflow, 5],
];
console.log('\nTargets');
for (const [label, ratio, target] of checks) {
  console.log(`- ${label}: ${ratio.toFixed(2)}× (target ≥ ${target}×) ${ratio >= target ? 'met' : 'MISSED'}`);
}
console.log(
  `- many paths vs cel-js: ${(many['cel-js'] / many.openworkflow).toFixed(2)}× (no target: checks the condition result is not a single-path effect)`,
);
console.log(
  `- limit: condition ${(condition.openworkflow / condition['hand-written JS']).toFixed(1)}× and template ${(
    template.openworkflow / template['hand-written JS']
  ).toFixed(1)}× the hand-written function`,
);

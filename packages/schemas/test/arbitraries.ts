/**
 * fast-check arbitraries for valid canonical models, used by the round-trip property. Each one only
 * produces what a document can express (a valid model of the loader's output).
 */
import fc from 'fast-check';
import type {
  Action,
  Agent,
  Bundle,
  Connector,
  Handler,
  InputDefinition,
  JsonObject,
  JsonValue,
  OutputDefinition,
  RetryPolicy,
  Step,
  StepBase,
  Trigger,
  Workflow,
} from '../src/model.js';

/** Conditions that are valid expressions and read no step (references would add graph edges). */
const conditionText = fc.constantFrom(
  '{{ inputs.a > 1 }}',
  'inputs.flag',
  "{{ env.MODE == 'x' }}",
  'true',
  'not inputs.off',
);

/** Text without template or block delimiters, so no generated string is read as a template. */
const text = fc.string({ maxLength: 12 }).filter((value) => !/[{}%]/.test(value));
const nonEmptyText = text.filter((value) => value.length > 0);
const kebab = fc.stringMatching(/^[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4}){0,2}$/);
const identifier = fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/);
const key = text.filter((value) => value !== '__proto__');
const semver = fc.constantFrom('0.1.0', '1.0.0', '1.2.3', '2.0.0-beta.1', '10.4.0+build.7');
const versionSlot = fc.constantFrom('1.0.0', '~0.4', '>=1.0.0', 'latest', 'canary', '*');
const positiveMs = fc.integer({ min: 1, max: 10 ** 9 });

const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Object.is(value, -0)),
);

/** JSON values as templates and literals. */
export const json: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 2, withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    number,
    text,
    fc.array(tie('value'), { maxLength: 2 }),
    fc.dictionary(key, tie('value'), { maxKeys: 2 }),
  ),
})).value;

const jsonObject = fc.dictionary(key, json, { maxKeys: 2 }) as fc.Arbitrary<JsonObject>;

const reference = (type: string): fc.Arbitrary<string> =>
  fc
    .tuple(kebab, kebab, fc.option(versionSlot, { nil: undefined }))
    .map(
      ([namespace, name, version]) =>
        `${type}:${namespace}/${name}${version === undefined ? '' : `@${version}`}`,
    );

const retry: fc.Arbitrary<RetryPolicy> = fc.record(
  {
    maxAttempts: fc.integer({ min: 1, max: 10 }),
    backoff: fc.constantFrom('fixed', 'linear', 'exponential'),
    backoffFactor: fc.double({ min: 0.1, max: 10, noNaN: true }),
    initialDelayMs: fc.integer({ min: 0, max: 10 ** 7 }),
    maxDelayMs: fc.integer({ min: 0, max: 10 ** 7 }),
    jitter: fc.boolean(),
    retryOn: fc.array(fc.constantFrom('TIMEOUT', 'RATE_LIMITED', 'UNAVAILABLE', 'BACKEND_ERROR', 'MY_CODE'), {
      maxLength: 3,
    }),
  },
  { requiredKeys: ['maxAttempts', 'backoff'] },
);

type Draft = {
  -readonly [K in keyof Omit<StepBase, 'id' | 'needs' | 'dependsOn' | 'source'>]: StepBase[K];
} & Record<string, unknown>;

/** Keys every step may carry; `loop` only where the document allows `for_each`. */
function base(type: Step['type'], allowLoop: boolean): fc.Arbitrary<Draft> {
  return fc
    .record(
      {
        label: nonEmptyText,
        // An `if` step's `condition` is its branch test, so it has no skip condition of its own.
        condition: type === 'if' ? fc.constant(undefined) : conditionText,
        loop: allowLoop
          ? fc.record(
              { items: json, parallel: fc.boolean(), maxConcurrency: fc.integer({ min: 1, max: 50 }) },
              { requiredKeys: ['items', 'parallel'] },
            )
          : fc.constant(undefined),
        retry,
        timeoutMs: type === 'approval' ? fc.constant(undefined) : positiveMs,
        continueOnError: fc.boolean(),
        execution: fc.oneof(
          fc.record({ backend: fc.constantFrom('native', 'langchain', 'custom-x') }),
          fc.record({ executionMode: fc.constantFrom('local' as const, 'cloud' as const) }),
          fc.record({ runtimeHint: fc.constantFrom('python' as const, 'node' as const, 'any' as const) }),
          fc.record({ backend: fc.constant('langchain'), runtimeHint: fc.constant('python' as const) }),
        ),
        guardrails: fc.record(
          {
            piiDetection: fc.boolean(),
            toxicityThreshold: fc.double({ min: 0, max: 1, noNaN: true }),
            blockedTopics: fc.array(text, { maxLength: 2 }),
            maxTokens: fc.integer({ min: 1, max: 10_000 }),
            timeLimitMs: positiveMs,
            outputSchema: fc.constant({ type: 'object' } as JsonObject),
          },
          { requiredKeys: [] },
        ),
        authorization: fc.record({ permissions: fc.array(text, { maxLength: 2 }) }),
      },
      { requiredKeys: ['continueOnError', 'execution'] },
    )
    .map(({ execution, loop, timeoutMs, condition, ...rest }) => {
      const draft: Draft = { type, ...rest, ...execution };
      if (condition !== undefined) draft.condition = condition;
      if (loop !== undefined) draft.loop = loop;
      if (timeoutMs !== undefined) draft.timeoutMs = timeoutMs;
      return draft;
    });
}

/** Steps with placeholder ids; `finishSteps` assigns unique ids and sources. */
const stepTree: fc.Arbitrary<Draft[]> = fc.letrec<{ list: Draft[]; step: Draft }>((tie) => {
  const list = fc.array(tie('step'), { maxLength: 2 }) as fc.Arbitrary<Draft[]>;
  const nonEmptyList = fc.array(tie('step'), { minLength: 1, maxLength: 2 }) as fc.Arbitrary<Draft[]>;
  const leaf = fc.oneof(
    fc
      .tuple(base('action', true), fc.oneof(reference('connector'), kebab), identifier, jsonObject)
      .map(([b, connector, action, input]) => ({ ...b, connector, action, input })),
    fc
      .tuple(base('agent', true), reference('agent'), jsonObject)
      .map(([b, agent, input]) => ({ ...b, agent, input })),
    fc
      .tuple(
        base('workflow', true),
        fc.oneof(
          nonEmptyText.filter((v) => !v.startsWith('workflow:')),
          reference('workflow'),
        ),
        fc.option(versionSlot, { nil: undefined }),
        jsonObject,
      )
      .map(([b, workflow, version, input]) => ({
        ...b,
        workflow,
        ...(version === undefined ? {} : { version }),
        input,
      })),
    fc
      .tuple(
        base('wait', true),
        fc.oneof(
          fc
            .integer({ min: 0, max: 10 ** 9 })
            .map((durationMs) => ({ kind: 'duration' as const, durationMs })),
          text.map((time) => ({ kind: 'time' as const, time })),
          fc.record(
            {
              kind: fc.constant('event' as const),
              event: nonEmptyText,
              timeoutMs: positiveMs,
              channel: fc.constantFrom('webhook', 'kafka', 'pubsub'),
              filter: jsonObject,
            },
            { requiredKeys: ['kind', 'event', 'timeoutMs'] },
          ),
        ),
      )
      .map(([b, wait]) => ({ ...b, wait })),
    fc
      .tuple(
        base('transform', true),
        fc.constantFrom('template', 'jsonpath', 'jsonata', 'jq', 'javascript', 'python'),
        nonEmptyText,
        fc.option(json, { nil: undefined }),
      )
      .map(([b, language, expression, input]) => ({
        ...b,
        language,
        expression,
        ...(input === undefined ? {} : { input }),
      })),
    fc
      .tuple(
        base('handoff', true),
        fc.oneof(
          reference('agent').map((agent) => ({ agent })),
          fc
            .array(
              fc.oneof(
                fc.record({
                  condition: conditionText,
                  agent: reference('agent'),
                  isDefault: fc.constant(false),
                }),
                fc.record({ agent: reference('agent'), isDefault: fc.constant(true) }),
              ),
              { minLength: 1, maxLength: 3 },
            )
            .map((selectAgent) => ({ selectAgent })),
        ),
        fc.record({ reason: json, context: json }, { requiredKeys: [] }),
        fc.boolean(),
      )
      .map(([b, target, extras, resumeAfter]) => ({ ...b, ...target, ...extras, resumeAfter })),
    fc
      .tuple(
        base('approval', true),
        fc.array(text, { maxLength: 2 }),
        fc.option(json, { nil: undefined }),
        positiveMs,
        fc.constantFrom('reject', 'allow', 'escalate'),
      )
      .map(([b, approvers, message, approvalTimeoutMs, onTimeout]) => ({
        ...b,
        approvers,
        ...(message === undefined ? {} : { message }),
        approvalTimeoutMs,
        onTimeout,
      })),
  );
  const branchMap = fc.uniqueArray(fc.tuple(nonEmptyText, list), {
    minLength: 1,
    maxLength: 3,
    selector: ([name]) => name,
  });
  const logic = fc.oneof(
    fc
      .tuple(base('if', true), conditionText, list, list)
      .map(([b, test, then, otherwise]) => ({ ...b, test, then, else: otherwise })),
    fc
      .tuple(base('switch', true), json, branchMap, fc.option(list, { nil: undefined }))
      .map(([b, value, cases, fallback]) => ({
        ...b,
        value,
        cases: cases.map(([caseKey, body]) => ({ key: caseKey, steps: body })),
        ...(fallback === undefined ? {} : { default: fallback }),
      })),
    fc
      .tuple(
        base('forEach', false),
        json,
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        fc.boolean(),
        fc.boolean(),
        list,
      )
      .map(([b, items, maxConcurrency, ordered, continueOnItemError, body]) => ({
        ...b,
        items,
        ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
        ordered,
        continueOnItemError,
        steps: body,
      })),
    fc
      .tuple(
        base('parallel', false),
        fc.oneof(
          fc.constant({ type: 'all' as const }),
          fc.constant({ type: 'any' as const }),
          fc.integer({ min: 1, max: 9 }).map((count) => ({ type: 'count' as const, count })),
        ),
        fc.boolean(),
        branchMap,
      )
      .map(([b, join, continueOnBranchError, branches]) => ({
        ...b,
        join,
        continueOnBranchError,
        branches: branches.map(([name, body]) => ({ name, steps: body })),
      })),
    fc.tuple(base('parallel-group', false), nonEmptyList).map(([b, children]) => ({ ...b, steps: children })),
    fc
      .tuple(
        base('try', true),
        list,
        fc.option(list, { nil: undefined }),
        fc.option(list, { nil: undefined }),
      )
      .map(([b, body, handler, cleanup]) => ({
        ...b,
        steps: body,
        ...(handler === undefined ? {} : { catch: handler }),
        ...(cleanup === undefined ? {} : { finally: cleanup }),
      })),
  );
  return {
    list,
    step: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'steps', withCrossShrink: true },
      leaf,
      logic,
    ) as fc.Arbitrary<Draft>,
  };
}).list;

/**
 * Assigns unique ids (s0, s1, …), `needs` on earlier siblings (so they hold under either strategy),
 * `dependsOn` and placeholder sources.
 */
function finishSteps(drafts: readonly Draft[], counter: { next: number }, needsMask: number): Step[] {
  const finished: Step[] = [];
  for (const [index, draft] of drafts.entries()) {
    const id = `s${counter.next++}`;
    const earlier = finished
      .filter((_, position) => ((needsMask >> (index + position)) & 1) === 1)
      .map((step) => step.id);
    const nested: Record<string, unknown> = {};
    for (const field of ['then', 'else', 'default', 'steps', 'catch', 'finally'] as const) {
      const value = draft[field];
      if (Array.isArray(value)) nested[field] = finishSteps(value as Draft[], counter, needsMask >> 3);
    }
    for (const field of ['cases', 'branches'] as const) {
      const value = draft[field] as { steps: Draft[] }[] | undefined;
      if (value !== undefined)
        nested[field] = value.map((item) => ({
          ...item,
          steps: finishSteps(item.steps, counter, needsMask >> 5),
        }));
    }
    finished.push({
      ...draft,
      ...nested,
      id,
      needs: earlier,
      dependsOn: earlier,
      source: { pointer: '' },
    } as unknown as Step);
  }
  return finished;
}

const steps1 = stepTree.filter((list) => list.length > 0);

/** Children of a parallel group run concurrently: they cannot need each other. */
function noNeedsInGroups(list: Step[], inGroup = false): Step[] {
  return list.map((step) => {
    const copy = { ...step } as Record<string, unknown>;
    if (inGroup) {
      copy.needs = [];
      copy.dependsOn = [];
    }
    for (const field of ['then', 'else', 'default', 'steps', 'catch', 'finally'] as const) {
      if (Array.isArray(copy[field]))
        copy[field] = noNeedsInGroups(copy[field] as Step[], step.type === 'parallel-group');
    }
    for (const field of ['cases', 'branches'] as const) {
      const value = copy[field] as { steps: Step[] }[] | undefined;
      if (value !== undefined)
        copy[field] = value.map((item) => ({ ...item, steps: noNeedsInGroups(item.steps) }));
    }
    return copy as unknown as Step;
  });
}

const inputDefinition: fc.Arbitrary<InputDefinition> = fc.record(
  {
    type: fc.constantFrom('string', 'number', 'integer', 'boolean', 'object', 'array'),
    description: text,
    default: json,
    required: fc.boolean(),
    enum: fc.array(json, { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ['required'] },
);

const outputDefinition: fc.Arbitrary<OutputDefinition> = fc.record(
  { value: json, description: text },
  { requiredKeys: ['value'] },
);

const trigger: fc.Arbitrary<Trigger> = fc.oneof(
  fc.constant({ type: 'manual' as const }),
  fc.record(
    {
      type: fc.constant('schedule' as const),
      cron: fc.constantFrom('0 8 * * *', '*/5 * * * *', '0 9 * * 1-5', '15,45 0-23/2 1 JAN-MAR SUN'),
      timezone: fc.constantFrom('UTC', 'America/New_York', 'Europe/Paris'),
    },
    { requiredKeys: ['type', 'cron'] },
  ),
  fc.record(
    {
      type: fc.constant('webhook' as const),
      path: nonEmptyText,
      method: fc.constantFrom('GET', 'POST'),
      auth: fc.constant({ type: 'hmac-sha256', secret_name: 'WEBHOOK_SECRET' } as JsonObject),
      security: fc.constant({ replayWindow: 300 } as JsonObject),
    },
    { requiredKeys: ['type'] },
  ),
  fc.record(
    { type: fc.constant('event' as const), source: nonEmptyText, topic: text, filter: jsonObject },
    { requiredKeys: ['type', 'source'] },
  ),
);

const record = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<Record<string, T>> =>
  fc.dictionary(identifier, value, { maxKeys: 3 });

/** A valid workflow with unique step ids. */
export const workflow: fc.Arbitrary<Workflow> = fc
  .record(
    {
      name: nonEmptyText,
      registry: fc.option(fc.tuple(kebab, kebab), { nil: undefined }),
      version: semver,
      displayName: text,
      description: text,
      schemaVersion: fc.constantFrom('0.1.0', '0.1.4'),
      categories: fc.array(text, { maxLength: 2 }),
      requires: fc.constant({ spec: '>=0.1.0 <0.3.0' }),
      strategy: fc.constantFrom('sequential' as const, 'dag' as const),
      maxConcurrency: fc.integer({ min: 1, max: 64 }),
      backend: fc.constantFrom('native', 'langchain'),
      timeoutMs: positiveMs,
      inputs: record(inputDefinition),
      outputs: record(outputDefinition),
      triggers: fc.array(trigger, { maxLength: 3 }),
      steps: steps1,
      needsMask: fc.integer({ min: 0, max: 2 ** 20 }),
      authorization: fc.record(
        {
          enabled: fc.boolean(),
          roles: fc.array(text, { maxLength: 2 }),
          permissions: fc.array(text, { maxLength: 2 }),
          approval: fc.record({
            required: fc.boolean(),
            approvers: fc.array(text, { maxLength: 2 }),
            timeoutMs: positiveMs,
          }),
        },
        { requiredKeys: ['enabled', 'roles', 'permissions'] },
      ),
      testing: fc.record(
        {
          dryRun: fc.record({
            enabled: fc.boolean(),
            mockConnectors: fc.boolean(),
            mockData: fc.dictionary(key, jsonObject, { maxKeys: 2 }),
          }),
          fixtures: fc.array(
            fc.record({ name: nonEmptyText, inputs: jsonObject, expectedOutputs: jsonObject }),
            { maxLength: 2 },
          ),
        },
        { requiredKeys: ['fixtures'] },
      ),
    },
    {
      requiredKeys: [
        'name',
        'version',
        'categories',
        'strategy',
        'inputs',
        'outputs',
        'triggers',
        'steps',
        'needsMask',
      ],
    },
  )
  .map(({ registry, steps: drafts, needsMask, name, version, ...rest }) => {
    const namespaced =
      registry === undefined
        ? {}
        : { namespace: registry[0], id: `workflow:${registry[0]}/${registry[1]}@${version}` };
    return {
      type: 'workflow' as const,
      ...rest,
      name: registry === undefined ? name : registry[1],
      version,
      ...namespaced,
      steps: noNeedsInGroups(finishSteps(drafts, { next: 0 }, needsMask)),
      source: { pointer: '' },
    } as Workflow;
  });

/** A file of workflows with distinct names. */
export const workflowFile = fc.uniqueArray(workflow, {
  minLength: 1,
  maxLength: 3,
  selector: (item) => item.name,
});

const handler: fc.Arbitrary<Handler> = fc.oneof(
  fc.record(
    {
      type: fc.constant('http' as const),
      url: nonEmptyText,
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      headers: fc.dictionary(
        key.filter((name) => name.length > 0),
        text,
        { maxKeys: 2 },
      ),
      body: json,
      timeoutMs: positiveMs,
      retry,
      urlValidation: fc.record(
        {
          allowedDomains: fc.array(text, { maxLength: 2 }),
          blockedPorts: fc.array(fc.integer({ min: 1, max: 65535 }), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['type', 'url', 'method', 'headers'] },
  ),
  fc.record({ type: fc.constant('function' as const), function: nonEmptyText }),
  fc
    .record(
      {
        type: fc.constant('command' as const),
        command: nonEmptyText,
        args: fc.array(text, { maxLength: 2 }),
        env: fc.dictionary(
          key.filter((name) => name.length > 0),
          text,
          { maxKeys: 2 },
        ),
        workingDir: nonEmptyText,
        timeoutMs: positiveMs,
        allowedCommands: fc.array(text, { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: ['type', 'command', 'args', 'env'] },
    )
    .map((command) =>
      command.allowedCommands === undefined
        ? command
        : { ...command, security: { allowedCommands: command.allowedCommands } },
    ),
  fc.record(
    {
      type: fc.constant('kafka' as const),
      topic: nonEmptyText,
      responseTopic: nonEmptyText,
      timeoutMs: positiveMs,
      key: text,
    },
    { requiredKeys: ['type', 'topic'] },
  ),
  fc.record(
    { type: fc.constant('mcp' as const), endpoint: nonEmptyText, tool: nonEmptyText },
    { requiredKeys: ['type', 'tool'] },
  ),
);

const metadata = fc.record(
  {
    author: text,
    homepage: fc.constantFrom('https://example.com', 'https://docs.example.org/x'),
    license: fc.constantFrom('MIT', 'Apache-2.0'),
    categories: fc.array(text, { maxLength: 2 }),
    tags: fc.array(text, { maxLength: 2 }),
  },
  { requiredKeys: ['categories'] },
);

/** A valid connector. */
export const connector: fc.Arbitrary<Connector> = fc
  .record({
    kind: fc.constantFrom('http', 'sdk', 'lambda', 'custom'),
    name: kebab,
    namespace: kebab,
    version: semver,
    displayName: nonEmptyText,
    description: nonEmptyText,
    metadata,
    auth: fc.oneof(
      fc.constant({ type: 'none' as const }),
      fc.constant({ type: 'apiKey' as const, in: 'header' as const, name: 'X-Key', prefix: 'Key' }),
      fc.constant({ type: 'bearer' as const, scheme: 'jwt' as const }),
      fc.constant({ type: 'oauth2' as const, flow: 'client_credentials' as const, scopes: ['a'] }),
    ),
    runtime: fc.record(
      {
        timeoutMs: positiveMs,
        memory: fc.constantFrom('512MB', '1GB'),
        environment: fc.array(
          fc.record({ name: fc.constantFrom('API_KEY', 'TOKEN'), required: fc.boolean() }),
          { maxLength: 1 },
        ),
      },
      { requiredKeys: ['timeoutMs', 'environment'] },
    ),
    actions: fc.uniqueArray(
      fc.record({
        name: identifier,
        description: nonEmptyText,
        input: fc.constant({ type: 'object' } as JsonObject),
        handler,
      }),
      { minLength: 1, maxLength: 3, selector: (action) => action.name },
    ),
  })
  .map((value) => ({
    type: 'connector' as const,
    id: `connector:${value.namespace}/${value.name}@${value.version}`,
    ...value,
    actions: value.actions.map(
      (action, index) => ({ ...action, source: { pointer: `/actions/${index}` } }) as Action,
    ),
    source: { pointer: '' },
  }));

/** A valid agent in either form. */
export const agent: fc.Arbitrary<Agent> = fc.oneof(
  fc
    .record({
      name: kebab,
      namespace: kebab,
      version: semver,
      systemPrompt: nonEmptyText,
      temperature: fc.double({ min: 0, max: 2, noNaN: true }),
      toolset: fc.array(
        fc.oneof(
          reference('connector').map((connectorId) => ({ connector: connectorId })),
          fc.record({ connector: reference('connector'), actions: fc.array(identifier, { maxLength: 2 }) }),
        ),
        { maxLength: 2 },
      ),
      backend: fc.constantFrom('native', 'assistants'),
      config: jsonObject,
      metadata,
    })
    .map(({ name, namespace, version, temperature, backend, config, ...rest }) => ({
      type: 'agent' as const,
      form: 'manifest' as const,
      schemaVersion: '0.1.0',
      id: `agent:${namespace}/${name}@${version}`,
      name,
      namespace,
      version,
      model: { provider: 'openai', id: 'gpt-4o', temperature },
      ...rest,
      execution: { backend, config },
      io: {},
      registryMode: false,
      source: { pointer: '' },
    })),
  fc
    .record({
      name: kebab,
      systemPrompt: nonEmptyText,
      goals: fc.array(text, { maxLength: 2 }),
      tools: fc.array(fc.record({ connector: nonEmptyText, inputSchema: text }), { maxLength: 2 }),
      backend: fc.constantFrom('native', 'langchain', 'vertexai'),
      outputSchemaRef: text,
      registryMode: fc.boolean(),
    })
    .map(({ name, tools, backend, outputSchemaRef, ...rest }) => ({
      type: 'agent' as const,
      form: 'formal' as const,
      name,
      model: { provider: 'anthropic', id: 'claude', maxTokens: 100 },
      ...rest,
      toolset: tools,
      execution: { backend, config: {} },
      io: { outputSchemaRef },
      metadata: { categories: [] },
      source: { pointer: '' },
    })),
);

/** A valid bundle with pinned, distinct includes. */
export const bundle: fc.Arbitrary<Bundle> = fc
  .record({
    name: kebab,
    namespace: kebab,
    version: semver,
    displayName: nonEmptyText,
    includes: fc.uniqueArray(
      fc.record({
        type: fc.constantFrom('connector' as const, 'workflow' as const, 'agent' as const),
        namespace: kebab,
        name: kebab,
        version: semver,
      }),
      { minLength: 1, maxLength: 4, selector: (item) => `${item.type}:${item.namespace}/${item.name}` },
    ),
    metadata,
  })
  .map((value) => ({
    type: 'bundle' as const,
    id: `bundle:${value.namespace}/${value.name}@${value.version}`,
    ...value,
    source: { pointer: '' },
  }));

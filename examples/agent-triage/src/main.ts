import { createTriage, type TriageModel } from './triage.js';

// Offline (the scripted provider) unless a provider key is in the environment.
const model: TriageModel = process.env.ANTHROPIC_API_KEY
  ? 'anthropic'
  : process.env.OPENAI_API_KEY
    ? 'openai'
    : 'offline';
const credentials = {
  resolve: async (names: readonly string[]) =>
    Object.fromEntries(
      names.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
    ),
};
const triage = await createTriage({ model, credentials });
try {
  const { result, events } = await triage.run(process.argv[2] ?? 'https://github.example/acme/app/issues/42');
  for (const event of events)
    if (event.type.startsWith('agent.')) console.log(event.type, JSON.stringify(event.data));
  console.log(result.status, JSON.stringify(result.outputs));
} finally {
  await triage.close();
}

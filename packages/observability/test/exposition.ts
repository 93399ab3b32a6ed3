import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One sample of the exposition: metric name, labels, value. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * Reads a Prometheus text exposition with `parse-prometheus-text-format`. That parser groups
 * histogram series correctly only when they have no labels besides `le`, so histogram `# TYPE`
 * lines are dropped first: each `_bucket`, `_sum` and `_count` sample line is then read by the
 * parser's own sample-line grammar as an untyped family, with its labels intact.
 */
export function parseExposition(text: string): { samples: ParsedSample[]; types: Record<string, string> } {
  const types: Record<string, string> = {};
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types[match[1]!] = match[2]!;
  const histograms = new Set(Object.keys(types).filter((name) => types[name] === 'histogram'));
  const readable = text
    .split('\n')
    .filter((line) => {
      const match = /^# (?:TYPE|HELP) (\S+)/.exec(line);
      return match === null || !histograms.has(match[1]!);
    })
    .join('\n');
  const samples: ParsedSample[] = [];
  for (const family of parsePrometheusTextFormat(readable)) {
    for (const sample of family.metrics) {
      samples.push({ name: family.name, labels: sample.labels ?? {}, value: Number(sample.value) });
    }
  }
  return { samples, types };
}

/** The value of the one sample with this name and (a superset of) these labels; 0 when absent. */
export function sampleValue(
  samples: readonly ParsedSample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  const matching = samples.filter(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (matching.length > 1)
    throw new Error(`${matching.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matching[0]?.value ?? 0;
}

import type { Registry } from 'prom-client';

type Labels = Readonly<Record<string, string>>;

/** One label combination of a {@link SeriesCounter}. */
export interface CounterSeries {
  readonly labels: Labels;
  value: number;
}

/** One label combination of a {@link SeriesHistogram}. */
export interface HistogramSeries {
  readonly labels: Labels;
  readonly counts: number[];
  sum: number;
  count: number;
}

interface MetricValue {
  readonly labels: Labels;
  readonly value: number;
  readonly metricName?: string;
}

/**
 * Counters and histograms for the event hot path, registered into a prom-client `Registry` through
 * its public `registerMetric` contract (`name`, `help`, `type`, `get()`, `reset()`), so the
 * registry formats them like its own. prom-client's classes hash the label object on every update;
 * these take a key the caller builds once per label combination and cost one map lookup.
 */
abstract class SeriesMetric<S extends { readonly labels: Labels }> {
  readonly aggregator = 'sum';
  protected readonly series = new Map<string, S>();
  /**
   * Increases with every `reset()`: a series object handed out by `seriesOf` belongs to the
   * generation it was made in, and callers that keep one must look it up again after a reset.
   */
  generation = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  reset(): void {
    this.series.clear();
    this.generation++;
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.values(),
    };
  }

  /** The series of `key`, made with `labels` the first time. */
  seriesOf(key: string, labels: Labels): S {
    let entry = this.series.get(key);
    if (entry === undefined) {
      entry = this.create(labels);
      this.series.set(key, entry);
    }
    return entry;
  }

  protected abstract create(labels: Labels): S;

  protected abstract values(): MetricValue[];
}

/** A monotonically increasing count per label combination. */
export class SeriesCounter extends SeriesMetric<CounterSeries> {
  constructor(name: string, help: string, registry: Registry) {
    super(name, help, 'counter', registry);
  }

  /** Adds `by` to the series `key` (whose labels `labels()` gives the first time). */
  inc(key: string, labels: () => Labels, by = 1): void {
    let entry = this.series.get(key);
    if (entry === undefined) entry = this.seriesOf(key, labels());
    entry.value += by;
  }

  protected create(labels: Labels): CounterSeries {
    return { labels, value: 0 };
  }

  protected values(): MetricValue[] {
    return [...this.series.values()].map(({ labels, value }) => ({ labels, value }));
  }
}

/** A histogram per label combination, with cumulative `le` buckets, `_sum` and `_count`. */
export class SeriesHistogram extends SeriesMetric<HistogramSeries> {
  readonly #buckets: readonly number[];

  constructor(name: string, help: string, buckets: readonly number[], registry: Registry) {
    super(name, help, 'histogram', registry);
    this.#buckets = buckets;
  }

  observe(key: string, labels: () => Labels, value: number): void {
    let series = this.series.get(key);
    if (series === undefined) series = this.seriesOf(key, labels());
    this.record(series, value);
  }

  /** Adds `value` to a series from {@link seriesOf} (of the current generation). */
  record(series: HistogramSeries, value: number): void {
    series.sum += value;
    series.count++;
    const buckets = this.#buckets;
    for (let index = 0; index < buckets.length; index++) {
      if (value <= buckets[index]!) {
        series.counts[index]!++;
        return;
      }
    }
  }

  protected create(labels: Labels): HistogramSeries {
    return { labels, counts: new Array<number>(this.#buckets.length).fill(0), sum: 0, count: 0 };
  }

  protected values(): MetricValue[] {
    const values: MetricValue[] = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.#buckets.forEach((bound, index) => {
        cumulative += counts[index]!;
        values.push({
          labels: { ...labels, le: String(bound) },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return values;
  }
}

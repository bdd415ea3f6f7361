import type { BenchConfig } from '../config.js';
import { backlog } from './backlog.scenario.js';
import { enqueueBulk } from './enqueue-bulk.scenario.js';
import { enqueueSingle } from './enqueue-single.scenario.js';
import { latency } from './latency.scenario.js';
import { memory } from './memory.scenario.js';
import { processing } from './processing.scenario.js';
import type { Scenario } from './scenario.js';

/** The scenarios of issue 5, in report order. */
export function allScenarios(config: BenchConfig): Scenario[] {
  return [enqueueSingle, enqueueBulk, processing(1), processing(50), latency(config.latencyRate), memory('Redis memory per waiting job'), ...config.backlogSizes.map(backlog)];
}

/** The PostgreSQL suite: the same scenarios but the backlogs (a 200,000-job fill per library takes minutes there). */
export function postgresScenarios(config: BenchConfig): Scenario[] {
  return [enqueueSingle, enqueueBulk, processing(1), processing(50), latency(config.postgres.latencyRate), memory('disk per waiting job (tables, indexes, TOAST)')];
}

export type { MetricSpec, Scenario, ScenarioContext } from './scenario.js';

import type { BenchConfig } from '../config.js';
import type { Peer, ServerTarget } from '../peers/peer.js';
import type { StoreControl } from '../store-control.js';

export interface MetricSpec {
  id: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
}

export interface ScenarioContext {
  config: BenchConfig;
  target: ServerTarget;
  control: StoreControl;
}

/** One measured run: a value per metric of the scenario. */
export type Measurement = Record<string, number>;

export interface Scenario {
  id: string;
  title: string;
  metrics: MetricSpec[];
  /** Runs once against an empty database and returns the figures. */
  run(peer: Peer, context: ScenarioContext): Promise<Measurement>;
}

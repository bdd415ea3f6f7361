import type { CanActivate, Type } from '@nestjs/common';

/** What the dashboard reads from a request: enough for Express and Fastify alike. */
export interface DashboardRequest {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  query?: unknown;
}

/** HTTP basic auth with one user: fine for a demo or a private network, not a replacement for your SSO. */
export interface DashboardBasicAuth {
  username: string;
  password: string;
  realm?: string;
}

/** Your own check: true lets the request in, false answers 403. */
export type DashboardAuthFunction = (request: DashboardRequest) => boolean | Promise<boolean>;

export interface JobsDashboardOptions {
  /** Where the UI is mounted, e.g. `/jobs`. */
  path: string;
  /** Any Nest guard (class or instance) protecting every dashboard route. */
  guard?: CanActivate | Type<CanActivate>;
  /** Basic-auth credentials or a function, when you have no guard at hand. */
  auth?: DashboardBasicAuth | DashboardAuthFunction;
  /** No retry, remove, pause, resume or trigger: buttons hidden, POSTs answered 403. */
  readOnly?: boolean;
  /** Mount without any authentication. Required to be explicit: anyone reaching the app can then operate the jobs. */
  public?: boolean;
  /** Page title. Default `nest-jobs`. */
  title?: string;
  /** Minutes of throughput on the overview chart, 1 to 60 (default 10). */
  chartMinutes?: number;
}

/** Options after validation: path normalized, defaults applied. */
export interface ResolvedDashboardOptions {
  path: string;
  readOnly: boolean;
  title: string;
  chartMinutes: number;
}

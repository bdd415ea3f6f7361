import type { LeaseOutcome } from '@nest-jobs/core/driver';
import type { SchemaNames } from './schema/schema-names.js';

/** Runs a query on the driver's pool and returns its rows. */
export type RowsQuery = <Row>(text: string, values: unknown[]) => Promise<Row[]>;

/** Calls of the schema's PL/pgSQL functions, shared by the driver's parts. */
export class SchemaCalls {
  constructor(private readonly names: SchemaNames, readonly rows: RowsQuery) {}

  /** Calls one of the schema's functions (`name($1, …)`) and returns its scalar result. */
  async call<T>(call: string, values: unknown[]): Promise<T> {
    const [row] = await this.rows<{ value: T }>(`SELECT ${this.names.ident}.${call} AS value`, values);
    return row!.value;
  }

  /** A settle function's outcomes, one per item. */
  async outcomes(call: string, values: unknown[]): Promise<LeaseOutcome[]> {
    return (await this.call<LeaseOutcome[]>(call, values)) ?? [];
  }
}

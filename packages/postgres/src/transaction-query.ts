/**
 * What `enqueue(..., { transaction })` accepts: anything with a `query(text, values)`
 * on the connection that runs the application's transaction — a pg `Client` or
 * `PoolClient` after BEGIN, a TypeORM `QueryRunner`, or a TypeORM `EntityManager`
 * handed out by `dataSource.transaction()`. Typed by shape, so no ORM is a dependency.
 */
export interface SqlTransaction {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** Runs `text` on the transaction and returns its rows, whatever the shape of the result. */
export type TransactionQuery = <Row>(text: string, values: unknown[]) => Promise<Row[]>;

export function transactionQuery(transaction: unknown, culprit: string): TransactionQuery {
  if (typeof transaction !== 'object' || transaction === null || typeof (transaction as { query?: unknown }).query !== 'function') {
    throw new TypeError(`${culprit}: the transaction option must be a pg Client/PoolClient inside BEGIN…COMMIT, a TypeORM QueryRunner or an EntityManager of a transaction (an object with query(); got ${describe(transaction)}).`);
  }
  // A TypeORM EntityManager outside dataSource.transaction() would commit the job on its own.
  const runner = (transaction as { queryRunner?: { isTransactionActive?: unknown } }).queryRunner ?? transaction;
  if ((runner as { isTransactionActive?: unknown }).isTransactionActive === false) {
    throw new Error(`${culprit}: the transaction option's QueryRunner has no active transaction; call startTransaction() first (or use the EntityManager that dataSource.transaction() hands you).`);
  }
  const target = transaction as SqlTransaction;
  return async <Row>(text: string, values: unknown[]): Promise<Row[]> => {
    const result = await target.query(text, values);
    // pg gives { rows }, TypeORM gives the rows themselves.
    if (Array.isArray(result)) return result as Row[];
    return ((result as { rows?: Row[] } | undefined)?.rows ?? []);
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object without query() (${value.constructor?.name ?? 'Object'})`;
  return typeof value;
}

import { describeDriverConformance } from '@nest-jobs/core/conformance';
import { PostgresDriver } from './postgres.driver.js';
import { useSpecPostgres } from './spec-support/spec-postgres.js';

const postgres = useSpecPostgres();

describeDriverConformance('PostgresDriver', () => new PostgresDriver({ url: postgres.url(), poolSize: 4 }));
